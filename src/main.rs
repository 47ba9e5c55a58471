#![forbid(unsafe_code)]
#![allow(clippy::print_stdout)]
fn main() {
    for arg in std::env::args().skip(1) {
        match dvlint::package::load(std::path::Path::new(&arg)) {
            Ok(s) => println!("{}: {} entities={} attrs={} optionsets={} rels={} spv={:?}", arg, s.title(), s.entities.len(), s.entities.values().map(|e| e.attributes.len()).sum::<usize>(), s.option_sets.len(), s.relationships.len(), s.package.package_version.as_ref().map(|v| &v.value)),
            Err(e) => println!("ERR {e}"),
        }
    }
}
