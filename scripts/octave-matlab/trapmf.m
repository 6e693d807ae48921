## MATLAB's trapmf (documented definition): min of a rising edge a..b and a falling edge
## c..d, each 1 past its top and 0 past its foot; a zero-width edge is vertical.
## Written for this project (replaces the toolkit's, which refuses a = b or c = d).
function y = trapmf (x, params)
  a = params(1); b = params(2); c = params(3); d = params(4);
  up = zeros (size (x));
  up(x >= b) = 1;
  if (a != b)
    k = (a <= x) & (x < b);
    up(k) = (x(k) - a) / (b - a);
  endif
  down = zeros (size (x));
  down(x <= c) = 1;
  if (c != d)
    k = (c < x) & (x <= d);
    down(k) = (d - x(k)) / (d - c);
  endif
  y = min (up, down);
endfunction
