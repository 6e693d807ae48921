## MATLAB's gbellmf: 1 / (1 + |(x - c) / a|^(2 b)) for any b (the toolkit wants an integer b).
## Written for this project.
function y = gbellmf (x, params)
  a = params(1); b = params(2); c = params(3);
  y = 1 ./ (1 + abs ((x - c) / a) .^ (2 * b));
endfunction
