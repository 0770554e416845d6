//! `/statistics/`: the register in figures, from the public rows only
//! (so a withheld decision counts as "not published", never by its
//! outcome), with each chart laid out here as numbers for the template
//! to draw as inline SVG: no script, no library at run time.

use super::view::Row;
use crate::model::date::Date;
use crate::model::vocabulary::{Outcome, RequestType};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Width and height of every chart's drawing area, in SVG units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
/// Room left of the bars for the axis labels, and below for the years.
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
/// Room above the top gridline for its label.
const TOP: f64 = 12.0;

/// One bar of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Position and size, in SVG units.
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// The series it belongs to (a CSS class picks its colour).
    pub series: usize,
    /// What it shows, for its `<title>`.
    pub label: String,
}

/// A label on an axis: where, and what it says.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    /// The x (categories) or y (gridlines) coordinate.
    pub at: String,
    /// The text.
    pub text: String,
}

/// A bar chart: its bars, the category labels under them and the scale.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub bars: Vec<Bar>,
    /// Each category's label.
    pub ticks: Vec<Tick>,
    /// Each gridline, with its value.
    pub grid: Vec<Tick>,
    /// The series' names, in order, for the legend.
    pub series: Vec<&'static str>,
}

/// One row of a figures table: a category and a value per series.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    pub category: String,
    pub values: Vec<String>,
}

/// Everything `/statistics/` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub total: usize,
    pub by_type: Vec<FigureRow>,
    pub by_type_chart: Chart,
    pub type_series: Vec<&'static str>,
    pub outcomes: Vec<FigureRow>,
    pub outcomes_chart: Chart,
    pub durations: Vec<FigureRow>,
    pub durations_chart: Chart,
}

impl Statistics {
    /// The figures of the public rows.
    pub fn of(rows: &[Arc<Row>]) -> Statistics {
        let (by_type, by_type_chart) = requests_by_type(rows);
        let (outcomes, outcomes_chart) = outcomes(rows);
        let (durations, durations_chart) = durations(rows);
        Statistics {
            total: rows.len(),
            by_type,
            by_type_chart,
            type_series: RequestType::ALL.iter().map(|t| t.label()).collect(),
            outcomes,
            outcomes_chart,
            durations,
            durations_chart,
        }
    }
}

/// Requests submitted each year, by type.
fn requests_by_type(rows: &[Arc<Row>]) -> (Vec<FigureRow>, Chart) {
    let mut years: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for r in rows {
        let column = RequestType::ALL
            .iter()
            .position(|t| t.slug() == r.request_type)
            .unwrap_or(0);
        let counts = years
            .entry(year(&r.submitted))
            .or_insert_with(|| vec![0; RequestType::ALL.len()]);
        counts[column] += 1;
    }
    let series = RequestType::ALL.iter().map(|t| t.label()).collect();
    figures_and_chart(years, series)
}

/// How the public requests stand: each final outcome, the decisions not
/// published, and those still open.
fn outcomes(rows: &[Arc<Row>]) -> (Vec<FigureRow>, Chart) {
    let mut counts: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let names = [
        Outcome::Approved.label(),
        Outcome::Rejected.label(),
        Outcome::Withdrawn.label(),
        "Decision not published",
        "Still open",
    ];
    for name in names {
        counts.insert(name, vec![0]);
    }
    for r in rows {
        let name = if r.decision_withheld {
            "Decision not published"
        } else if r.open {
            "Still open"
        } else {
            r.outcome_label
        };
        if let Some(c) = counts.get_mut(name) {
            c[0] += 1;
        }
    }
    let ordered: Vec<(&str, Vec<u64>)> = names.iter().map(|n| (*n, counts[n].clone())).collect();
    let table = ordered.iter().map(|(n, v)| figure_row(n, v)).collect();
    (table, chart(&ordered, vec!["Requests"]))
}

/// Median days from submission to the public final decision, and from
/// that decision to taking effect, by year of decision.
fn durations(rows: &[Arc<Row>]) -> (Vec<FigureRow>, Chart) {
    let mut spans: BTreeMap<&str, [Vec<i64>; 2]> = BTreeMap::new();
    for r in rows {
        let (Some(sub), Some(dec)) = (Date::parse(&r.submitted), Date::parse(&r.decided)) else {
            continue;
        };
        let entry = spans.entry(year(&r.decided)).or_default();
        entry[0].push(sub.days_until(dec));
        if let Some(effect) = Date::parse(&r.implementation_date) {
            entry[1].push(dec.days_until(effect));
        }
    }
    let medians: Vec<(&str, [Option<u64>; 2])> = spans
        .into_iter()
        .map(|(y, [a, b])| (y, [median(a), median(b)]))
        .collect();
    let table = medians
        .iter()
        .map(|(y, m)| FigureRow {
            category: y.to_string(),
            values: m
                .iter()
                .map(|v| v.map_or_else(|| "none".to_string(), |v| v.to_string()))
                .collect(),
        })
        .collect();
    let bars: Vec<(&str, Vec<u64>)> = medians
        .iter()
        .map(|(y, m)| (*y, m.iter().map(|v| v.unwrap_or(0)).collect()))
        .collect();
    let series = vec!["Submission to decision", "Decision to taking effect"];
    (table, chart(&bars, series))
}

/// The median of whole days (the lower middle of an even count), `None`
/// when there are none.
fn median(mut days: Vec<i64>) -> Option<u64> {
    days.sort_unstable();
    let n = days.len();
    (n > 0).then(|| days[(n - 1) / 2].max(0) as u64)
}

fn year(date: &str) -> &str {
    date.get(..4).unwrap_or(date)
}

fn figure_row(category: &str, values: &[u64]) -> FigureRow {
    FigureRow {
        category: category.to_string(),
        values: values.iter().map(u64::to_string).collect(),
    }
}

fn figures_and_chart(
    by: BTreeMap<&str, Vec<u64>>,
    series: Vec<&'static str>,
) -> (Vec<FigureRow>, Chart) {
    let ordered: Vec<(&str, Vec<u64>)> = by.into_iter().collect();
    let table = ordered.iter().map(|(c, v)| figure_row(c, v)).collect();
    (table, chart(&ordered, series))
}

/// Lays out a grouped bar chart: one group per category, one bar per
/// series, scaled to the largest value (rounded up to a tidy step).
fn chart(categories: &[(&str, Vec<u64>)], series: Vec<&'static str>) -> Chart {
    let max = categories
        .iter()
        .flat_map(|(_, v)| v)
        .copied()
        .max()
        .unwrap_or(0);
    let step = tidy_step(max);
    let top = (max.div_ceil(step).max(1)) * step;
    let plot_h = HEIGHT - BOTTOM - TOP;
    let group_w = (WIDTH - LEFT) / categories.len().max(1) as f64;
    let bar_w = group_w * 0.8 / series.len().max(1) as f64;
    let mut bars = Vec::new();
    let mut ticks = Vec::new();
    for (i, (category, values)) in categories.iter().enumerate() {
        let x0 = LEFT + group_w * i as f64 + group_w * 0.1;
        ticks.push(Tick {
            at: num(x0 + group_w * 0.4),
            text: category.to_string(),
        });
        for (s, &v) in values.iter().enumerate() {
            let h = plot_h * v as f64 / top as f64;
            bars.push(Bar {
                x: num(x0 + bar_w * s as f64),
                y: num(TOP + plot_h - h),
                width: num(bar_w),
                height: num(h),
                series: s,
                label: format!("{category}, {}: {v}", series[s]),
            });
        }
    }
    let grid = (0..=top / step)
        .map(|k| Tick {
            at: num(TOP + plot_h - plot_h * (k * step) as f64 / top as f64),
            text: (k * step).to_string(),
        })
        .collect();
    Chart {
        bars,
        ticks,
        grid,
        series,
    }
}

/// A gridline step giving at most five lines: 1, 2 or 5 times a power of ten.
fn tidy_step(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if max <= step * m * 5 {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// A coordinate with one decimal, the same on every build.
fn num(x: f64) -> String {
    format!("{:.1}", x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_steps() {
        assert_eq!(median(vec![30, 10, 20]), Some(20));
        assert_eq!(median(vec![40, 10, 20, 30]), Some(20));
        assert_eq!(median(vec![]), None);
        assert_eq!(tidy_step(4), 1);
        assert_eq!(tidy_step(9), 2);
        assert_eq!(tidy_step(24), 5);
        assert_eq!(tidy_step(400), 100);
    }
}
