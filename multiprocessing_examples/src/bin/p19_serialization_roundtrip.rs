//! Serialization: a nested struct → bytes → the same struct (pickle's job, done by serde + bincode).
//!
//! Python original: the course notebook, IPC "What is Data Serialization?", "C) What does serialization look like?"
//! (`pickle.dumps({'name': 'Asha', 'scores': [10, 20, 30]})`) and Effective Python (ch. 5), "`ProcessPoolExecutor`:
//! serialize into binary, copy to a child process, run, serialize the results…".
//!
//! `#[derive(Serialize, Deserialize)]` writes the code pickle discovers at run time.
//! `bincode::serde::encode_to_vec` gives a `Vec<u8>` (Python: `<class 'bytes'>`), and decoding
//! it gives back an equal value. The same value as JSON is shown for comparison (text, bigger).
//!
//! **Never decode untrusted bytes without a limit.** Pickle's warning is "loading can execute
//! arbitrary code". Bincode runs no code, but the bytes can still *claim* a length: a `String`
//! announcing 2^40 bytes makes a decoder without a limit allocate a terabyte (the process
//! aborts), and `u64::MAX` panics with "capacity overflow". Decoding with
//! `config::standard().with_limit::<N>()` (what every frame in this crate uses) turns that into
//! an ordinary error. The end of this program shows it.
//!
//! Run: `cargo run --bin p19_serialization_roundtrip`
//!
//! Expected output:
//! ```text
//! Value: Student { name: "Asha", scores: [10, 20, 30], address: Address { city: "Pune", pin: 411001 } }
//! Serialized type: alloc::vec::Vec<u8>
//! Serialized length: 19 bytes
//! Bytes: 04 41 73 68 61 03 0a 14 1e 04 50 75 6e 65 fc 79 45 06 00
//! As JSON (74 bytes of text): {"name":"Asha","scores":[10,20,30],"address":{"city":"Pune","pin":411001}}
//! Deserialized: Student { name: "Asha", scores: [10, 20, 30], address: Address { city: "Pune", pin: 411001 } }
//! Round trip equal: true
//! Hostile input (a String claiming 1099511627776 bytes): rejected: LimitExceeded
//! ```

use multiprocessing_examples::frame;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Address {
    city: String,
    pin: u32,
}

/// The Python original's `{"name": "Asha", "scores": [10, 20, 30]}`, with a nested struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Student {
    name: String,
    scores: Vec<u32>,
    address: Address,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    utilities::output::start_clock();
    let data = Student {
        name: "Asha".into(),
        scores: vec![10, 20, 30],
        address: Address {
            city: "Pune".into(),
            pin: 411_001,
        },
    };
    println!("Value: {data:?}");

    // Serialize: value → bytes (pickle.dumps).
    let packed: Vec<u8> = frame::encode(&data)?;
    println!("Serialized type: {}", std::any::type_name_of_val(&packed));
    println!("Serialized length: {} bytes", packed.len());
    let hex: Vec<String> = packed.iter().map(|b| format!("{b:02x}")).collect();
    println!("Bytes: {}", hex.join(" "));
    let json = serde_json::to_string(&data)?;
    println!("As JSON ({} bytes of text): {json}", json.len());

    // Deserialize: bytes → value (pickle.loads), with the size limit.
    let unpacked: Student = frame::decode(&packed)?;
    println!("Deserialized: {unpacked:?}");
    println!("Round trip equal: {}", unpacked == data);
    assert_eq!(unpacked, data);

    // Hostile bytes: a String whose length prefix says 2^40 bytes (bincode varint: 0xFD then
    // a little-endian u64). Without the limit the decoder allocates the buffer first: 1 TiB,
    // and the process aborts. With the limit it is an error we can print.
    let claimed: u64 = 1 << 40;
    let mut hostile = vec![0xFD];
    hostile.extend_from_slice(&claimed.to_le_bytes());
    match bincode::serde::decode_from_slice::<String, _>(&hostile, frame::config()) {
        Err(bincode::error::DecodeError::LimitExceeded) => {
            println!("Hostile input (a String claiming {claimed} bytes): rejected: LimitExceeded");
        }
        other => panic!("a hostile length must be rejected, got {other:?}"),
    }
    Ok(())
}
