//! `dvlint-gen`: writes a generated release pair for benchmarks, and many small
//! solutions for the many-solutions benchmark.
//!
//! ```text
//! cargo run --release -p dvlint-gen -- pair --out target/bench --size-mb 100
//! cargo run --release -p dvlint-gen -- pair --out target/bench --size-mb 100 --shape columns
//! cargo run --release -p dvlint-gen -- pair --out target/yaml --tables 4 --yaml
//! cargo run --release -p dvlint-gen -- many --out target/bench/many --count 50
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dvlint_gen::{render, write, Changes, Shape, Solution, Spec};

#[derive(Parser)]
#[command(about = "Generate realistic Dataverse solution packages for dvlint's benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A release and the next version with known changes: base.zip, base/,
    /// cand.zip, cand/ and expected.json (the findings dvlint must report);
    /// with --yaml, base-yaml/ and cand-yaml/ too.
    Pair {
        #[arg(long)]
        out: PathBuf,
        /// Grow the table count until customizations.xml reaches about this size.
        #[arg(long)]
        size_mb: Option<f64>,
        /// Where the bytes are: `forms` (forms, views and ribbons about half),
        /// `columns` (mostly column metadata: 180 columns a table, no forms) or
        /// `wide` (30 columns a table, one small form and two views).
        #[arg(long, default_value_t = Shape::Forms)]
        shape: Shape,
        #[arg(long, default_value_t = 20)]
        tables: usize,
        /// Custom columns a table; by default the shape's (40, 180, 30).
        #[arg(long)]
        columns: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 5)]
        remove_columns: usize,
        #[arg(long, default_value_t = 3)]
        change_types: usize,
        #[arg(long, default_value_t = 3)]
        remove_options: usize,
        #[arg(long, default_value_t = 2)]
        shorten_columns: usize,
        /// Also write each version as the YAML source of Dataverse Git
        /// integration (`solutions/`, `publishers/`, `entities/`, …):
        /// base-yaml/ and cand-yaml/.
        #[arg(long)]
        yaml: bool,
    },
    /// `count` small solutions (zips), each a release pair (sNN.zip, sNN-base.zip),
    /// and a dvlint.yaml listing them.
    Many {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 50)]
        count: usize,
        #[arg(long, default_value_t = 8)]
        tables: usize,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "dvlint-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> std::io::Result<()> {
    match cli.command {
        Command::Pair {
            out,
            size_mb,
            shape,
            tables,
            columns,
            seed,
            remove_columns,
            change_types,
            remove_options,
            shorten_columns,
            yaml,
        } => {
            let shaped = shape.spec(seed);
            let mut spec = Spec {
                tables,
                columns: columns.unwrap_or(shaped.columns),
                ..shaped
            };
            if let Some(mb) = size_mb {
                spec.tables = spec.tables_for_mb(mb);
            }
            writeln!(
                std::io::stderr(),
                "shape {shape}: {} tables of {} custom columns, {} forms and {} views each",
                spec.tables,
                spec.columns,
                spec.forms,
                spec.views
            )?;
            let base = Solution::generate(&spec);
            let changes = Changes {
                remove_columns,
                change_types,
                remove_options,
                shorten_columns,
            };
            let (cand, expected) = base.next_version(&changes, seed.wrapping_add(1));
            std::fs::create_dir_all(&out)?;
            for (name, solution) in [("base", &base), ("cand", &cand)] {
                let export = render::export(solution);
                write::zip(&out.join(format!("{name}.zip")), &export)?;
                write::folder(&out.join(name), &render::unpacked(solution))?;
                if yaml {
                    write::folder(&out.join(format!("{name}-yaml")), &render::yaml(solution))?;
                }
                report(&out, name, &export)?;
            }
            let expected: Vec<_> = expected
                .iter()
                .map(|e| serde_json::json!({ "rule": e.rule, "component": e.component }))
                .collect();
            let json = serde_json::to_string_pretty(&expected).map_err(std::io::Error::other)?;
            std::fs::write(out.join("expected.json"), json + "\n")
        }
        Command::Many { out, count, tables } => {
            std::fs::create_dir_all(&out)?;
            let mut policy = String::from(
                "# The solutions `dvlint check` checks in one run, each with its baseline.\nsolutions:\n",
            );
            for i in 0..count {
                let spec = Spec {
                    seed: 1000 + i as u64,
                    tables,
                    ..Spec::default()
                };
                let base = Solution::generate(&spec);
                let changes = Changes {
                    remove_columns: 1,
                    ..Changes::default()
                };
                let (cand, _) = base.next_version(&changes, i as u64);
                write::zip(
                    &out.join(format!("s{i:02}-base.zip")),
                    &render::export(&base),
                )?;
                write::zip(&out.join(format!("s{i:02}.zip")), &render::export(&cand))?;
                policy.push_str(&format!(
                    "  - path: s{i:02}.zip\n    baseline: s{i:02}-base.zip\n"
                ));
            }
            std::fs::write(out.join("dvlint.yaml"), policy)
        }
    }
}

fn report(out: &Path, name: &str, export: &[render::File]) -> std::io::Result<()> {
    let xml = export
        .iter()
        .find(|(n, _)| n == "customizations.xml")
        .map_or(0, |(_, text)| text.len());
    let zipped = std::fs::metadata(out.join(format!("{name}.zip")))?.len();
    writeln!(
        std::io::stderr(),
        "{name}: customizations.xml {:.1} MB, zip {:.1} MB ({:.1}x)",
        xml as f64 / 1e6,
        zipped as f64 / 1e6,
        xml as f64 / zipped.max(1) as f64
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_with_yaml_writes_a_yaml_root_beside_each_xml_form() {
        let out = std::env::temp_dir().join(format!("dvlint-gen-test-{}", std::process::id()));
        let cli = Cli::parse_from([
            "dvlint-gen",
            "pair",
            "--out",
            out.to_str().expect("a UTF-8 temp path"),
            "--tables",
            "2",
            "--columns",
            "3",
            "--yaml",
        ]);
        run(cli).expect("the pair is written");
        for name in ["base", "cand"] {
            assert!(out.join(format!("{name}.zip")).is_file());
            assert!(out.join(name).join("Other/Solution.xml").is_file());
            let root = out.join(format!("{name}-yaml"));
            let manifest = root.join("solutions/GeneratedEnterprise/solution.yml");
            let text = std::fs::read_to_string(manifest).expect("solution.yml");
            let version = if name == "base" { "1.0.0.0" } else { "1.1.0.0" };
            assert!(text.contains(&format!("Version: {version}")), "{text}");
            assert!(root.join("publishers/generated/publisher.yml").is_file());
        }
        std::fs::remove_dir_all(&out).expect("the temp folder is removed");
    }
}
