//! SVG bar and line charts for benchmark results: plain SVG text, no dependencies, opens in any
//! browser.

use std::fmt::Write as _;

const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
];

/// The i-th colour of the course palette (cycles).
pub fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Escapes text for SVG/XML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Opening `<svg>` tag, white background and title (the caller closes with `</svg>`).
pub fn svg_header(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{:.0}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
        width / 2.0,
        escape(title)
    )
}

/// A horizontal bar chart: one bar per `(label, value)`, the value printed beside it.
pub fn bar_chart(title: &str, unit: &str, bars: &[(String, f64)]) -> String {
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1e-12);
    let (left, bar_w, row_h, top) = (200.0, 480.0, 26.0, 36.0);
    let height = top + row_h * bars.len() as f64 + 16.0;
    let mut svg = svg_header(left + bar_w + 120.0, height, title);
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (value / max * bar_w).max(1.0);
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{left}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{value:.3} {}</text>",
            left - 8.0,
            y + row_h * 0.65,
            escape(label),
            y + 3.0,
            row_h - 6.0,
            color(i),
            left + w + 6.0,
            y + row_h * 0.65,
            escape(unit),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One named series of `(x, y)` points for [`line_chart`].
pub type Series = (String, Vec<(f64, f64)>);

/// A line chart of several series; `log_x` puts x on a log10 scale (for 10 → 100 000 sweeps).
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_x: bool,
) -> String {
    let fx = |x: f64| if log_x { x.max(1e-12).log10() } else { x };
    let points = series.iter().flat_map(|s| s.1.iter());
    let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
    for &(x, y) in points {
        x0 = x0.min(fx(x));
        x1 = x1.max(fx(x));
        y1 = y1.max(y);
    }
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    if (x1 - x0).abs() < 1e-12 {
        x1 = x0 + 1.0;
    }
    let y1 = if y1 > 0.0 { y1 * 1.1 } else { 1.0 };
    let (left, top, w, h) = (70.0, 40.0, 560.0, 300.0);
    let mut svg = svg_header(left + w + 180.0, top + h + 60.0, title);
    let px = |x: f64| left + (fx(x) - x0) / (x1 - x0) * w;
    let py = |y: f64| top + h - y / y1 * h;
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{:.0}\" x2=\"{:.0}\" y2=\"{:.0}\" stroke=\"black\"/>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{:.0}\" stroke=\"black\"/>\
         <text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>\
         <text x=\"14\" y=\"{:.0}\" transform=\"rotate(-90 14 {:.0})\" text-anchor=\"middle\">{}</text>\
         <text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{y1:.3}</text>",
        top + h,
        left + w,
        top + h,
        top + h,
        left + w / 2.0,
        top + h + 40.0,
        escape(x_label),
        top + h / 2.0,
        top + h / 2.0,
        escape(y_label),
        left - 4.0,
        top + 4.0,
    );
    for (i, (name, pts)) in series.iter().enumerate() {
        let path: Vec<String> = pts
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\" fill=\"{c}\">{}</text>",
            path.join(" "),
            left + w + 10.0,
            top + 16.0 * (i as f64 + 1.0),
            escape(name),
            c = color(i),
        );
        for &(x, y) in pts {
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{x} → {y:.4}</title></circle>",
                px(x),
                py(y),
                color(i)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_chart_has_one_bar_per_value() {
        let svg = bar_chart(
            "CPU-bound",
            "s",
            &[("sequential".into(), 2.0), ("threads".into(), 1.0)],
        );
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 3, "background + 2 bars");
        assert!(svg.contains("2.000 s") && svg.contains("sequential"));
    }

    #[test]
    fn line_chart_draws_each_series() {
        let s: Vec<Series> = vec![
            ("threads".into(), vec![(10.0, 0.1), (1000.0, 0.5)]),
            ("tokio".into(), vec![(10.0, 0.1), (1000.0, 0.1)]),
        ];
        let svg = line_chart("sweep", "tasks", "seconds", &s, true);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.trim_end().ends_with("</svg>"));
        // empty input still yields a valid document
        assert!(line_chart("e", "x", "y", &[], false).contains("</svg>"));
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
