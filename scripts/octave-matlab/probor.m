## MATLAB's probor: the probabilistic OR x + y - x*y, folded over the rows of a matrix (or
## over the entries of a vector). Written for this project (the toolkit has none).
function y = probor (x)
  if (rows (x) == 1)
    x = x';
  endif
  y = x(1, :);
  for i = 2 : rows (x)
    y = y + x(i, :) - y .* x(i, :);
  endfor
endfunction
