## MATLAB's Sugeno output: the weighted average (or sum) over every rule's output value and
## firing strength; rules with equal output values are not merged. Returns, per output, a
## struct whose aggregated_output is a 2 x k matrix (values; strengths) of the rules that
## fired. Written for this project (replaces the toolkit's, which merges equal values).
function fuzzy_output = aggregate_output_sugeno (fis, rule_output)
  num_outputs = columns (fis.output);
  num_rules = columns (fis.rule);
  for i = 1 : num_outputs
    part = rule_output(:, (i - 1) * num_rules + 1 : i * num_rules);
    part = part(:, part(2, :) != 0);
    fuzzy_output(i) = struct ('index', i, 'aggregated_output', part);
  endfor
endfunction
