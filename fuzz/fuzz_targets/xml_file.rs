//! Arbitrary bytes as each kind of solution XML file (the first byte picks the kind), inside an otherwise valid package; and the compactor must not change what a file parses to.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::xml_file(data));
