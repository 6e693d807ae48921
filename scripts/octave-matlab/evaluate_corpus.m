## evaluate_corpus (fis_file, inputs_csv, output_csv): reads fis_file with the toolkit's
## readfis, evaluates every row of inputs_csv (comma-separated numbers, no header) with
## evalfis at 101 points, and writes one row per input: the inputs, then the outputs, with
## 17 significant digits.
function evaluate_corpus (fis_file, inputs_csv, output_csv)
  fis = readfis (fis_file);
  inputs = dlmread (inputs_csv, ',');
  outputs = evalfis (inputs, fis, 101);
  fid = fopen (output_csv, 'w');
  for r = 1 : rows (inputs)
    fprintf (fid, '%s\n', strjoin (arrayfun (@(v) sprintf ('%.17g', v), ...
                                             [inputs(r, :), outputs(r, :)], ...
                                             'UniformOutput', false), ','));
  endfor
  fclose (fid);
endfunction
