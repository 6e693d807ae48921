## MATLAB's defuzzification of a sampled output set (documented in MATLAB's defuzz): sums
## over the samples, not a trapezoidal integral. When the set is empty (no rule fired)
## MATLAB's evalfis returns the middle of the output range, which here is the middle of the
## sample points. Written for this project (replaces the toolkit's defuzz).
function out = defuzz (x, y, method)
  if (sum (y) == 0)
    out = (x(1) + x(end)) / 2;
    return;
  endif
  switch (method)
    case 'centroid'
      out = sum (x .* y) / sum (y);
    case 'bisector'
      half = sum (y) / 2;
      running = 0;
      for k = 1 : length (x)
        running += y(k);
        if (running >= half)
          break;
        endif
      endfor
      out = x(k);
    case 'mom'
      out = mean (x(y == max (y)));
    case 'som'
      at_top = x(y == max (y));
      [~, k] = min (abs (at_top));
      out = at_top(k);
    case 'lom'
      at_top = x(y == max (y));
      [~, k] = max (abs (at_top));
      out = at_top(k);
    case 'wtaver'
      out = sum (x .* y) / sum (y);
    case 'wtsum'
      out = sum (x .* y);
    otherwise
      error ("defuzz: unknown method %s", method);
  endswitch
endfunction
