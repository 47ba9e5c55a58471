//! The shapes of package the benchmarks measure: which part of a
//! `customizations.xml` holds its bytes.
//!
//! dvlint's cost depends on that mix, not only on the size. Forms, views and
//! ribbons are dropped as they are read (`src/package/compact.rs` in dvlint),
//! while column metadata is kept and parsed, so a benchmark of one shape says
//! little about another. Real exports differ: LCMS's customizations.xml is 41 %
//! column metadata, the Entity.xml files of Business Approvals Kit 92 %, those of
//! Copilot Studio Kit 90 % (`scripts/column-share.py` measures it).

use std::fmt;
use std::str::FromStr;

use crate::Spec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// 40 columns a table, two main forms that show every column, six views
    /// and a ribbon: about half the bytes are forms, views and ribbons. The
    /// shape `dvlint-gen pair` has always made.
    #[default]
    Forms,
    /// 180 columns a table, no form, two small views: most bytes are column
    /// metadata, as in the Entity.xml files of source-controlled kits.
    Columns,
    /// Many narrow tables: 30 columns a table, one main form and two views.
    Wide,
}

impl Shape {
    pub const ALL: [Shape; 3] = [Shape::Forms, Shape::Columns, Shape::Wide];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Forms => "forms",
            Shape::Columns => "columns",
            Shape::Wide => "wide",
        }
    }

    /// The spec of this shape with `seed`, at 20 tables; scale the table count
    /// with [`Spec::tables_for_mb`].
    pub fn spec(self, seed: u64) -> Spec {
        let (columns, forms, views) = match self {
            Shape::Forms => (40, 2, 6),
            Shape::Columns => (180, 0, 2),
            Shape::Wide => (30, 1, 2),
        };
        Spec {
            seed,
            columns,
            forms,
            views,
            ..Spec::default()
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Shape {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Shape::ALL
            .into_iter()
            .find(|shape| shape.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Shape::ALL.iter().map(|s| s.name()).collect();
                format!("unknown shape `{text}`: one of {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render, Solution};

    /// The share of `customizations.xml` in `<attributes>` elements, as
    /// `scripts/column-share.py` counts it.
    fn column_share(shape: Shape) -> f64 {
        let spec = Spec {
            tables: 6,
            ..shape.spec(3)
        };
        let files = render::export(&Solution::generate(&spec));
        let (_, text) = files
            .iter()
            .find(|(name, _)| name == "customizations.xml")
            .expect("an export has customizations.xml");
        let mut inside = 0;
        let mut rest = text.as_str();
        while let Some(start) = rest.find("<attributes>") {
            let end = rest[start..]
                .find("</attributes>")
                .expect("attributes close")
                + start
                + "</attributes>".len();
            inside += end - start;
            rest = &rest[end..];
        }
        inside as f64 / text.len() as f64
    }

    #[test]
    fn each_shape_puts_its_bytes_where_it_says() {
        let forms = column_share(Shape::Forms);
        let columns = column_share(Shape::Columns);
        let wide = column_share(Shape::Wide);
        assert!(columns >= 0.8, "columns: {columns}");
        assert!(forms < 0.6, "forms: {forms}");
        assert!(forms < wide && wide < columns, "{forms} {wide} {columns}");
    }

    /// `--size-mb` holds for every shape, to a tenth or one table (the columns
    /// shape's are big): the benchmarks compare shapes at one size.
    #[test]
    fn each_shape_is_sized_to_the_megabytes_asked_for() {
        for shape in Shape::ALL {
            let mut spec = shape.spec(1);
            spec.tables = spec.tables_for_mb(3.0);
            let files = render::export(&Solution::generate(&spec));
            let size = files
                .iter()
                .find(|(name, _)| name == "customizations.xml")
                .map_or(0, |(_, text)| text.len()) as f64;
            let slack = (0.1 * 3e6_f64).max(size / spec.tables as f64);
            assert!((size - 3e6).abs() <= slack, "{shape}: {size} bytes");
        }
    }

    #[test]
    fn names_read_back() {
        for shape in Shape::ALL {
            assert_eq!(shape.name().parse::<Shape>(), Ok(shape));
        }
        assert!("form".parse::<Shape>().is_err());
        assert_eq!(Shape::Forms.spec(1).columns, 40);
    }
}
