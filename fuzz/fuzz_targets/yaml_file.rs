//! Arbitrary bytes as each kind of file of a YAML source tree (Dataverse Git integration; the first byte picks which), inside an otherwise valid tree; and the YAML reader keeps its bounds and spans on whatever it accepts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::yaml_file(data));
