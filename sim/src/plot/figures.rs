//! The kinds of plots.

use std::path::{Path, PathBuf};

use fuzzy_core::Controller;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::ticks::{log_ticks, tick_label};
use super::{DrawResult, Figure, PlotError, color, padded_range, save, text};
use crate::closed_loop::Trajectory;

const FONT: &str = "sans-serif";

/// One controller's run in a step-response overlay.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    /// legend label
    pub label: &'a str,
    /// the run
    pub trajectory: &'a Trajectory,
}

struct StepResponse<'a> {
    title: &'a str,
    series: &'a [Series<'a>],
    output_label: &'a str,
    control_label: &'a str,
}

fn legend_line(c: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
}

/// Whether overlay series `i` is drawn dashed: every second one, so that two controllers
/// whose responses coincide (the PID-equivalent fuzzy controller and its PID) stay visible
/// as a dashed line over a solid one.
fn dashed(i: usize) -> bool {
    i % 2 == 1
}

impl Figure for StepResponse<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 720)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let t_end = self
            .series
            .iter()
            .filter_map(|s| s.trajectory.time.last().copied())
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let (upper, lower) = area.split_vertically(440);
        let (y_lo, y_hi) = padded_range(
            self.series
                .iter()
                .flat_map(|s| s.trajectory.output.iter().chain(&s.trajectory.setpoint).copied()),
        );
        let mut chart = ChartBuilder::on(&upper)
            .caption(self.title, (FONT, 22))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..t_end, y_lo..y_hi)
            .map_err(text)?;
        chart
            .configure_mesh()
            .y_desc(self.output_label)
            .x_label_formatter(&|v| tick_label(*v))
            .y_label_formatter(&|v| tick_label(*v))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(text)?;
        if let Some(first) = self.series.first() {
            let t = &first.trajectory;
            chart
                .draw_series(LineSeries::new(
                    t.time.iter().copied().zip(t.setpoint.iter().copied()),
                    BLACK.stroke_width(1),
                ))
                .map_err(text)?
                .label("setpoint")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(1)));
        }
        for (i, s) in self.series.iter().enumerate() {
            let c = color(i);
            let t = s.trajectory;
            let label = match t.diverged_at {
                Some(k) => format!(
                    "{} (diverged at t = {:.3} s)",
                    s.label,
                    t.time.get(k).copied().unwrap_or(0.0)
                ),
                None => s.label.to_string(),
            };
            let points = t.time.iter().copied().zip(t.output.iter().copied());
            if dashed(i) {
                chart
                    .draw_series(DashedLineSeries::new(points, 9, 6, c.stroke_width(2)))
                    .map_err(text)?
                    .label(label)
                    // Two dashes where `legend_line` draws one line.
                    .legend(move |(x, y)| {
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(0, 0), (8, 0)], c.stroke_width(2))
                            + PathElement::new(vec![(12, 0), (20, 0)], c.stroke_width(2))
                    });
            } else {
                chart
                    .draw_series(LineSeries::new(points, c.stroke_width(2)))
                    .map_err(text)?
                    .label(label)
                    .legend(legend_line(c));
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .draw()
            .map_err(text)?;

        let (u_lo, u_hi) = padded_range(
            self.series
                .iter()
                .flat_map(|s| s.trajectory.control.iter().copied()),
        );
        let mut chart = ChartBuilder::on(&lower)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..t_end, u_lo..u_hi)
            .map_err(text)?;
        chart
            .configure_mesh()
            .x_desc("time (s)")
            .y_desc(self.control_label)
            .x_label_formatter(&|v| tick_label(*v))
            .y_label_formatter(&|v| tick_label(*v))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(text)?;
        for (i, s) in self.series.iter().enumerate() {
            let t = s.trajectory;
            let points = t.time.iter().copied().zip(t.control.iter().copied());
            if dashed(i) {
                chart
                    .draw_series(DashedLineSeries::new(points, 9, 6, color(i).stroke_width(1)))
                    .map_err(text)?;
            } else {
                chart
                    .draw_series(LineSeries::new(points, color(i).stroke_width(1)))
                    .map_err(text)?;
            }
        }
        Ok(())
    }
}

/// Step responses of several controllers on one plant: setpoint and outputs above, control
/// signals below, one colour per controller. Writes `stem.svg` and `stem.png`.
pub fn step_response(
    stem: &Path,
    title: &str,
    series: &[Series<'_>],
    output_label: &str,
    control_label: &str,
) -> Result<Vec<PathBuf>, PlotError> {
    if series.iter().all(|s| s.trajectory.is_empty()) {
        return Err(PlotError::Data {
            file: stem.display().to_string(),
            message: "no samples to plot".to_string(),
        });
    }
    save(
        &StepResponse {
            title,
            series,
            output_label,
            control_label,
        },
        stem,
    )
}

/// A named curve of a [`time_series`] plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// legend label
    pub label: String,
    /// `(x, y)` points
    pub points: Vec<(f64, f64)>,
}

struct TimeSeries<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    curves: &'a [Curve],
    log_y: bool,
}

impl TimeSeries<'_> {
    fn draw_on<DB: DrawingBackend, Y>(
        &self,
        area: &DrawingArea<DB, Shift>,
        y_range: Y,
        y_format: &dyn Fn(&f64) -> String,
    ) -> DrawResult
    where
        Y: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
        Y::CoordDescType: plotters::coord::ranged1d::ValueFormatter<f64>,
    {
        let (x_lo, x_hi) = padded_range(self.curves.iter().flat_map(|c| c.points.iter().map(|p| p.0)));
        let mut chart = ChartBuilder::on(area)
            .caption(self.title, (FONT, 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(x_lo..x_hi, y_range)
            .map_err(text)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label)
            .y_desc(self.y_label)
            .x_label_formatter(&|v| tick_label(*v))
            .y_label_formatter(y_format)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(text)?;
        for (i, curve) in self.curves.iter().enumerate() {
            let c = color(i);
            chart
                .draw_series(LineSeries::new(curve.points.iter().copied(), c.stroke_width(2)))
                .map_err(text)?
                .label(curve.label.as_str())
                .legend(legend_line(c));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .draw()
            .map_err(text)?;
        Ok(())
    }
}

impl Figure for TimeSeries<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 560)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let ys = || self.curves.iter().flat_map(|c| c.points.iter().map(|p| p.1));
        if self.log_y {
            let (lo, hi) = ys()
                .filter(|y| *y > 0.0 && y.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
                    (lo.min(y), hi.max(y))
                });
            let (lo, hi) = if lo.is_finite() {
                (lo * 0.8, hi * 1.25)
            } else {
                (0.1, 10.0)
            };
            self.draw_on(
                area,
                (lo..hi).log_scale().with_key_points(log_ticks(lo, hi)),
                &|v| tick_label(*v),
            )
        } else {
            let (lo, hi) = padded_range(ys());
            self.draw_on(area, lo..hi, &|v| tick_label(*v))
        }
    }
}

/// A generic plot of curves over a common x axis (e.g. an optimizer's best cost per
/// iteration, `log_y` for a logarithmic cost axis). Writes `stem.svg` and `stem.png`.
pub fn time_series(
    stem: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    curves: &[Curve],
    log_y: bool,
) -> Result<Vec<PathBuf>, PlotError> {
    if curves.iter().all(|c| c.points.is_empty()) {
        return Err(PlotError::Data {
            file: stem.display().to_string(),
            message: "no points to plot".to_string(),
        });
    }
    save(
        &TimeSeries {
            title,
            x_label,
            y_label,
            curves,
            log_y,
        },
        stem,
    )
}

/// The output of `engine` (output 0) over a grid of its first two inputs (other inputs at
/// their range midpoints): `grid[i][j]` at `(xs[i], ys[j])`.
fn surface_grid(engine: &Controller<'_>, resolution: usize) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
    let def = engine.def();
    let axis = |v: usize| -> Vec<f64> {
        let variable = &def.inputs[v.min(def.inputs.len() - 1)];
        (0..resolution)
            .map(|k| {
                f64::from(variable.min)
                    + f64::from(variable.max - variable.min) * k as f64 / (resolution - 1) as f64
            })
            .collect()
    };
    let xs = axis(0);
    let ys = axis(1);
    let mut inputs: Vec<f32> = def.inputs.iter().map(|v| 0.5 * (v.min + v.max)).collect();
    let mut scratch = vec![0.0f32; engine.scratch_len()];
    let mut outputs = vec![0.0f32; engine.output_count()];
    let grid = xs
        .iter()
        .map(|&x| {
            ys.iter()
                .map(|&y| {
                    inputs[0] = x as f32;
                    if inputs.len() > 1 {
                        inputs[1] = y as f32;
                    }
                    engine.evaluate(&inputs, &mut scratch, &mut outputs);
                    f64::from(outputs[0])
                })
                .collect()
        })
        .collect();
    (xs, ys, grid)
}

/// Line segments where the bilinear surface through `grid` crosses `level` (marching squares;
/// an ambiguous saddle cell is resolved by its centre value).
fn contour(xs: &[f64], ys: &[f64], grid: &[Vec<f64>], level: f64) -> Vec<[(f64, f64); 2]> {
    let mut segments = Vec::new();
    let lerp = |a: (f64, f64, f64), b: (f64, f64, f64)| -> (f64, f64) {
        let t = if a.2 == b.2 {
            0.5
        } else {
            (level - a.2) / (b.2 - a.2)
        };
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    };
    for i in 0..xs.len().saturating_sub(1) {
        for j in 0..ys.len().saturating_sub(1) {
            // Corners counter-clockwise: (i,j), (i+1,j), (i+1,j+1), (i,j+1).
            let c = [
                (xs[i], ys[j], grid[i][j]),
                (xs[i + 1], ys[j], grid[i + 1][j]),
                (xs[i + 1], ys[j + 1], grid[i + 1][j + 1]),
                (xs[i], ys[j + 1], grid[i][j + 1]),
            ];
            let crossings: Vec<(f64, f64)> = (0..4)
                .filter_map(|e| {
                    let (a, b) = (c[e], c[(e + 1) % 4]);
                    ((a.2 < level) != (b.2 < level)).then(|| lerp(a, b))
                })
                .collect();
            match crossings.len() {
                2 => segments.push([crossings[0], crossings[1]]),
                4 => {
                    let centre = c.iter().map(|p| p.2).sum::<f64>() / 4.0;
                    if (centre < level) == (c[0].2 < level) {
                        segments.push([crossings[0], crossings[3]]);
                        segments.push([crossings[1], crossings[2]]);
                    } else {
                        segments.push([crossings[0], crossings[1]]);
                        segments.push([crossings[2], crossings[3]]);
                    }
                }
                _ => {}
            }
        }
    }
    segments
}

struct ControlSurface<'a> {
    title: &'a str,
    names: [&'a str; 3],
    xs: Vec<f64>,
    ys: Vec<f64>,
    grid: Vec<Vec<f64>>,
}

impl ControlSurface<'_> {
    fn z_range(&self) -> (f64, f64) {
        padded_range(self.grid.iter().flatten().copied())
    }
}

impl Figure for ControlSurface<'_> {
    fn size(&self) -> (u32, u32) {
        (1300, 600)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = area.titled(self.title, (FONT, 22)).map_err(text)?;
        let (left, right) = area.split_horizontally(640);
        let (x_lo, x_hi) = (self.xs[0], self.xs[self.xs.len() - 1]);
        let (y_lo, y_hi) = (self.ys[0], self.ys[self.ys.len() - 1]);
        let (z_lo, z_hi) = self.z_range();
        let colour = |z: f64| ViridisRGB::get_color_normalized(z, z_lo, z_hi);

        // Heat map with contours.
        let (map_area, bar_area) = left.split_horizontally(560);
        let mut chart = ChartBuilder::on(&map_area)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.names[0])
            .y_desc(self.names[1])
            .x_label_formatter(&|v| tick_label(*v))
            .y_label_formatter(&|v| tick_label(*v))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(text)?;
        let n = self.xs.len();
        let m = self.ys.len();
        let half_x = (x_hi - x_lo) / (2 * (n - 1)) as f64;
        let half_y = (y_hi - y_lo) / (2 * (m - 1)) as f64;
        chart
            .draw_series((0..n).flat_map(|i| {
                (0..m).map(move |j| {
                    let (x, y) = (self.xs[i], self.ys[j]);
                    Rectangle::new(
                        [
                            ((x - half_x).max(x_lo), (y - half_y).max(y_lo)),
                            ((x + half_x).min(x_hi), (y + half_y).min(y_hi)),
                        ],
                        colour(self.grid[i][j]).filled(),
                    )
                })
            }))
            .map_err(text)?;
        let levels = 10;
        for l in 1..levels {
            let level = z_lo + (z_hi - z_lo) * l as f64 / levels as f64;
            let segments = contour(&self.xs, &self.ys, &self.grid, level);
            chart
                .draw_series(
                    segments
                        .into_iter()
                        .map(|s| PathElement::new(vec![s[0], s[1]], WHITE.mix(0.8).stroke_width(1))),
                )
                .map_err(text)?;
        }
        // Colour bar.
        let mut bar = ChartBuilder::on(&bar_area)
            .caption(self.names[2], (FONT, 15))
            .margin_top(4)
            .margin_bottom(52)
            .margin_right(8)
            .y_label_area_size(0)
            .right_y_label_area_size(50)
            .build_cartesian_2d(0.0..1.0, z_lo..z_hi)
            .map_err(text)?;
        bar.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_label_formatter(&|v| tick_label(*v))
            .label_style((FONT, 12))
            .draw()
            .map_err(text)?;
        let steps = 100;
        bar.draw_series((0..steps).map(|k| {
            let a = z_lo + (z_hi - z_lo) * k as f64 / steps as f64;
            let b = z_lo + (z_hi - z_lo) * (k + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], colour(0.5 * (a + b)).filled())
        }))
        .map_err(text)?;

        // 3-D surface.
        let mut chart = ChartBuilder::on(&right)
            .margin(20)
            .build_cartesian_3d(x_lo..x_hi, z_lo..z_hi, y_lo..y_hi)
            .map_err(text)?;
        chart.with_projection(|mut p| {
            p.yaw = 0.6;
            p.pitch = 0.35;
            p.scale = 0.85;
            p.into_matrix()
        });
        chart
            .configure_axes()
            .x_formatter(&|v| tick_label(*v))
            .y_formatter(&|v| tick_label(*v))
            .z_formatter(&|v| tick_label(*v))
            .label_style((FONT, 12))
            .light_grid_style(RGBColor(225, 225, 225))
            .max_light_lines(4)
            .draw()
            .map_err(text)?;
        // About 30 × 30 facets, at grid points (the closure maps a coordinate back to its
        // grid index).
        let step = (n / 30).max(1);
        let xs: Vec<f64> = (0..n).step_by(step).map(|i| self.xs[i]).collect();
        let ys: Vec<f64> = (0..m).step_by(step).map(|j| self.ys[j]).collect();
        let index = |v: f64, lo: f64, hi: f64, count: usize| -> usize {
            (((v - lo) / (hi - lo) * (count - 1) as f64).round() as usize).min(count - 1)
        };
        let height = |x: f64, y: f64| self.grid[index(x, x_lo, x_hi, n)][index(y, y_lo, y_hi, m)];
        let style = |z: &f64| colour(*z).mix(0.9).filled();
        chart
            .draw_series(SurfaceSeries::xoz(xs.into_iter(), ys.into_iter(), height).style_func(&style))
            .map_err(text)?;
        // Axis names along the axes, short of their ends so that they stay inside the
        // drawing (a name at the far end of the x axis was cut off).
        let names = [
            (self.names[0], (x_lo + 0.55 * (x_hi - x_lo), z_lo, y_lo)),
            (self.names[2], (x_lo, z_hi, y_lo)),
            (self.names[1], (x_lo, z_lo, y_lo + 0.75 * (y_hi - y_lo))),
        ];
        chart
            .draw_series(
                names
                    .into_iter()
                    .map(|(name, position)| Text::new(name.to_string(), position, (FONT, 15))),
            )
            .map_err(text)?;
        Ok(())
    }
}

/// The control surface of a controller: its first output over its first two inputs (others
/// at their midpoints), as a heat map with 9 contour levels and colour bar, and as a 3-D
/// surface. `names` are the two inputs' and the output's axis labels. Writes `stem.svg` and
/// `stem.png`.
pub fn control_surface(
    stem: &Path,
    title: &str,
    engine: &Controller<'_>,
    names: [&str; 3],
    resolution: usize,
) -> Result<Vec<PathBuf>, PlotError> {
    if engine.input_count() < 2 {
        return Err(PlotError::Data {
            file: stem.display().to_string(),
            message: "a control surface needs a controller with at least 2 inputs".to_string(),
        });
    }
    let (xs, ys, grid) = surface_grid(engine, resolution.clamp(11, 401));
    save(
        &ControlSurface {
            title,
            names,
            xs,
            ys,
            grid,
        },
        stem,
    )
}
