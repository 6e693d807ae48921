## MATLAB's evalfis evaluates inputs outside their range as they are (with a warning); the
## toolkit refuses them. Only the shape is checked here. Written for this project.
function y = is_input_matrix (x, fis)
  y = ismatrix (x) && isreal (x) && columns (x) == columns (fis.input);
endfunction
