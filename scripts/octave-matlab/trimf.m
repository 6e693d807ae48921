## MATLAB's trimf (documented definition): 0 at and outside a and c, 1 at b, linear between.
## A zero-width edge (a = b or b = c) is a vertical edge: the value is 1 at b itself.
## Written for this project (replaces the toolkit's, which refuses a = b).
function y = trimf (x, params)
  a = params(1); b = params(2); c = params(3);
  y = zeros (size (x));
  if (a != b)
    k = (a < x) & (x < b);
    y(k) = (x(k) - a) / (b - a);
  endif
  if (b != c)
    k = (b < x) & (x < c);
    y(k) = (c - x(k)) / (c - b);
  endif
  y(x == b) = 1;
endfunction
