//! Arbitrary bytes as each kind of component definition file (the first byte picks the kind and the package form), inside an otherwise valid package; and the compactor must not change what a file parses to.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::component_file(data));
