//! Loader throughput on a generated release pair, in bytes of XML per second.
//!
//! ```text
//! cargo bench --bench load                         # about 20 MB of XML per package
//! DVLINT_BENCH_MB=100 cargo bench --bench load     # the size of the largest real solutions
//! DVLINT_BENCH_MB=1 cargo bench --bench load -- --test   # each benchmark once (CI)
//! DVLINT_BENCH_SHAPE=columns cargo bench --bench load     # mostly column metadata
//! ```
//!
//! The inputs are made at start-up with `dvlint-gen` in a temporary folder: a
//! release and its next version, each as an exported zip and as unpacked source,
//! of the shape `DVLINT_BENCH_SHAPE` names (`forms`, `columns`, `wide`; by
//! default `forms`, that of `dvlint-gen pair`).
//! `scripts/bench.sh` measures the `dvlint` binary end to end.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use divan::counter::BytesCount;
use divan::Bencher;
use dvlint::policy::Policy;
use dvlint_gen::{render, write, Changes, Shape, Solution};

/// Size of each package's customizations.xml, in MB, when `DVLINT_BENCH_MB` is unset.
const DEFAULT_MB: f64 = 20.0;

struct Inputs {
    /// The candidate's exported zip, in memory.
    cand_zip: Vec<u8>,
    cand_zip_path: PathBuf,
    cand_folder: PathBuf,
    base_zip_path: PathBuf,
    /// Uncompressed XML bytes of the candidate's zip members.
    cand_zip_xml: u64,
    /// Bytes of the candidate's unpacked files.
    cand_folder_xml: u64,
    /// Uncompressed XML bytes of both zips.
    pair_xml: u64,
    /// How many findings the check of the pair must give.
    expected: usize,
}

static INPUTS: OnceLock<Inputs> = OnceLock::new();

fn inputs() -> &'static Inputs {
    INPUTS
        .get()
        .expect("inputs are made before the benchmarks run")
}

fn xml_bytes(files: &[render::File]) -> u64 {
    files.iter().map(|(_, text)| text.len() as u64).sum()
}

/// Generates the pair of `shape` under `dir`, at about `mb` MB of customizations.xml each.
fn make_inputs(dir: &std::path::Path, mb: f64, shape: Shape) -> std::io::Result<Inputs> {
    // As `dvlint-gen pair --shape` makes it.
    let mut spec = shape.spec(1);
    spec.tables = spec.tables_for_mb(mb);
    let base = Solution::generate(&spec);
    let changes = Changes {
        remove_columns: 5,
        change_types: 3,
        remove_options: 3,
        shorten_columns: 2,
    };
    let (cand, expected) = base.next_version(&changes, spec.seed.wrapping_add(1));

    let base_export = render::export(&base);
    let cand_export = render::export(&cand);
    let cand_unpacked = render::unpacked(&cand);
    let cand_zip = write::zip_bytes(&cand_export)?;
    let cand_zip_path = dir.join("cand.zip");
    let base_zip_path = dir.join("base.zip");
    let cand_folder = dir.join("cand");
    std::fs::write(&cand_zip_path, &cand_zip)?;
    write::zip(&base_zip_path, &base_export)?;
    write::folder(&cand_folder, &cand_unpacked)?;
    Ok(Inputs {
        cand_zip,
        cand_zip_path,
        cand_folder,
        base_zip_path,
        cand_zip_xml: xml_bytes(&cand_export),
        cand_folder_xml: xml_bytes(&cand_unpacked),
        pair_xml: xml_bytes(&cand_export) + xml_bytes(&base_export),
        expected: expected.len(),
    })
}

fn main() {
    let listing = std::env::args().any(|arg| arg == "--list");
    // Owned here so that the folder is removed when the benchmarks are done.
    let mut dir = None;
    if !listing {
        let mb = match std::env::var("DVLINT_BENCH_MB") {
            Ok(value) => value
                .parse::<f64>()
                .ok()
                .filter(|mb| *mb > 0.0)
                .expect("DVLINT_BENCH_MB is a positive number of megabytes"),
            Err(_) => DEFAULT_MB,
        };
        let shape = match std::env::var("DVLINT_BENCH_SHAPE") {
            Ok(name) => name
                .parse::<Shape>()
                .unwrap_or_else(|e| panic!("DVLINT_BENCH_SHAPE: {e}")),
            Err(_) => Shape::default(),
        };
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let made = make_inputs(tmp.path(), mb, shape).expect("the generated packages are written");
        // The benchmarks measure a check that finds what it must.
        let outcome = check_pair(&made);
        assert_eq!(
            outcome.diagnostics.len(),
            made.expected,
            "the check of the generated pair gives the expected findings"
        );
        let _ = writeln!(
            std::io::stderr(),
            "inputs ({shape} shape): {:.1} MB of XML in cand.zip ({:.1} MB zipped), {:.1} MB in the unpacked folder",
            made.cand_zip_xml as f64 / 1e6,
            made.cand_zip.len() as f64 / 1e6,
            made.cand_folder_xml as f64 / 1e6,
        );
        let _ = INPUTS.set(made);
        dir = Some(tmp);
    }
    divan::main();
    drop(dir);
}

fn check_pair(inputs: &Inputs) -> dvlint::engine::Outcome {
    let cand = dvlint::package::load(&inputs.cand_zip_path).expect("cand.zip loads");
    let base = dvlint::package::load(&inputs.base_zip_path).expect("base.zip loads");
    dvlint::engine::check(&cand, Some(&base), &Policy::default())
}

/// An exported zip held in memory: inflating and parsing, no file system.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn zip_in_memory(bencher: Bencher) {
    let inputs = inputs();
    bencher
        .counter(BytesCount::new(inputs.cand_zip_xml))
        .with_inputs(|| inputs.cand_zip.clone())
        .bench_values(|bytes| {
            dvlint::package::load_zip_bytes("cand.zip", bytes).expect("cand.zip loads")
        });
}

/// An exported zip on disk: reading, inflating and parsing.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn zip_file(bencher: Bencher) {
    let inputs = inputs();
    bencher
        .counter(BytesCount::new(inputs.cand_zip_xml))
        .bench(|| dvlint::package::load(&inputs.cand_zip_path).expect("cand.zip loads"));
}

/// Unpacked source on disk: one file per table, choice and relationship set.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn unpacked_folder(bencher: Bencher) {
    let inputs = inputs();
    bencher
        .counter(BytesCount::new(inputs.cand_folder_xml))
        .bench(|| dvlint::package::load(&inputs.cand_folder).expect("the folder loads"));
}

/// What `dvlint check cand.zip --baseline base.zip` does before reporting: load
/// both zips and run every rule. Here the two load one after the other, so this
/// is one core's throughput; the binary loads them at once.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn check_zip_pair(bencher: Bencher) {
    let inputs = inputs();
    bencher
        .counter(BytesCount::new(inputs.pair_xml))
        .bench(|| check_pair(inputs));
}
