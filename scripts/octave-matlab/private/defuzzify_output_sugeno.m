## MATLAB's Sugeno defuzzification; the middle of the output range when no rule fired.
## Written for this project (replaces the toolkit's, which divides 0 by 0 then).
function output = defuzzify_output_sugeno (fis, aggregated_output)
  num_outputs = columns (fis.output);
  output = zeros (1, num_outputs);
  for i = 1 : num_outputs
    part = aggregated_output(i).aggregated_output;
    if (columns (part) == 0 || sum (part(2, :)) == 0)
      output(i) = mean (fis.output(i).range);
    elseif (strcmp (fis.defuzzMethod, 'wtsum'))
      output(i) = sum (part(1, :) .* part(2, :));
    else
      output(i) = sum (part(1, :) .* part(2, :)) / sum (part(2, :));
    endif
  endfor
endfunction
