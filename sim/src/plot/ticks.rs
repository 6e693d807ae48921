//! Axis ticks: where a logarithmic axis gets its labels, and how a tick value is printed.

/// Ticks of a logarithmic axis over `[lo, hi]`: the powers of ten; 2× and 5× them when the
/// axis spans fewer than three decades; 1, 1.5, 2, 3, 4, 5, 7 per decade below two (so that a
/// narrow range, such as a converged cost, still has five or more labels).
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    let decades = (hi / lo).log10();
    let multiples: &[f64] = if decades < 2.0 {
        &[1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0]
    } else if last - first < 3 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    (first..=last)
        // Dividing by a power of ten for the negative decades gives the nearest float to the
        // decimal (3 / 10 is 0.3; 3 × 0.1 is 0.30000000000000004).
        .flat_map(|e| {
            multiples.iter().map(move |m| {
                if e < 0 {
                    m / 10f64.powi(-e)
                } else {
                    m * 10f64.powi(e)
                }
            })
        })
        .filter(|v| *v >= lo && *v <= hi)
        .collect()
}

/// A tick label: integers as integers ("20", not "20.0"), other values plain with at most
/// six decimals for 0.001 to 10 000 and scientific otherwise; 0 as "0".
pub(crate) fn tick_label(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if v.fract().abs() < 1e-9 * v.abs().max(1.0) && v.abs() < 1e9 {
        return format!("{}", v.round() as i64);
    }
    if (1e-3..1e4).contains(&v.abs()) {
        let text = format!("{v:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_print_as_integers_and_fractions_without_trailing_zeros() {
        assert_eq!(tick_label(20.0), "20");
        assert_eq!(tick_label(-1.0), "-1");
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(-0.0), "0");
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(1.5), "1.5");
        assert_eq!(tick_label(0.30000000000000004), "0.3");
        assert_eq!(tick_label(2e-5), "2e-5");
        assert_eq!(tick_label(123456.5), "1.234565e5");
    }

    #[test]
    fn a_narrow_log_axis_still_gets_five_labels() {
        // The main job's convergence plot: best costs from about 0.29 to 2.6.
        let ticks = log_ticks(0.23, 3.3);
        assert_eq!(ticks, [0.3, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0]);
        // Three decades or more: powers of ten only.
        assert_eq!(log_ticks(0.5, 2000.0), [1.0, 10.0, 100.0, 1000.0]);
    }
}
