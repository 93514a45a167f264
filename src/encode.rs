//! The encoder request bodies are written with: a JSON writer and the
//! [`Encode`] trait `cargo xtask codegen` implements for every type in
//! `types` a request reaches (and a page's items, which paging digests). Non-generic, like [`crate::decode`]: one
//! writer for the crate, one plain function per type. The output is the
//! text serde_json writes for the same value with serde's derive (a test
//! holds the two to each other): members in field order under their
//! `rename`, `None`, empty lists and empty maps left out where the type says
//! so, floats as serde_json writes them.

/// A type `generated/sdk.rs` (or this module) can write as JSON.
pub trait Encode {
    /// Appends this value's JSON to `w`.
    fn encode(&self, w: &mut Writer);
}

/// The JSON of `value`.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut w = Writer::default();
    value.encode(&mut w);
    w.out.into_bytes()
}

/// Writes JSON text.
#[derive(Default)]
pub struct Writer {
    out: String,
    /// Per open object: whether a member was written (for the commas).
    open: Vec<bool>,
}

impl Writer {
    pub(crate) fn begin_object(&mut self) {
        self.out.push('{');
        self.open.push(false);
    }

    pub(crate) fn end_object(&mut self) {
        self.open.pop();
        self.out.push('}');
    }

    /// One member: `"key":value`.
    pub(crate) fn field<T: Encode + ?Sized>(&mut self, key: &str, value: &T) {
        self.key(key);
        value.encode(self);
    }

    /// A member's key (`"key":`, after a comma where one is due): the
    /// generated encoders write the value after it themselves, so no copy of
    /// [`Writer::field`] is made per field type.
    pub(crate) fn key(&mut self, key: &str) {
        if let Some(written) = self.open.last_mut() {
            if *written {
                self.out.push(',');
            }
            *written = true;
        }
        self.string(key);
        self.out.push(':');
    }

    pub(crate) fn string(&mut self, text: &str) {
        self.out.push('"');
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.out.push_str(&text[start..i]);
            if escape.is_empty() {
                self.out.push_str(&format!("\\u{b:04x}"));
            } else {
                self.out.push_str(escape);
            }
            start = i + 1;
        }
        self.out.push_str(&text[start..]);
        self.out.push('"');
    }

    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Any value serde_json writes (free-form JSON, dates): one
    /// instantiation per such type for the whole crate.
    pub(crate) fn serde<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_string(value) {
            Ok(text) => self.out.push_str(&text),
            Err(_) => self.out.push_str("null"),
        }
    }
}

impl Encode for str {
    fn encode(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl Encode for String {
    fn encode(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl Encode for bool {
    fn encode(&self, w: &mut Writer) {
        w.raw(if *self { "true" } else { "false" });
    }
}

impl Encode for i64 {
    fn encode(&self, w: &mut Writer) {
        w.raw(&self.to_string());
    }
}

/// The integer types typify may choose for a document's `format`s.
macro_rules! integers {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self, w: &mut Writer) {
                w.raw(&self.to_string());
            }
        }
    )*};
}

integers!(i8, i16, i32, u8, u16, u32, u64);

impl Encode for f32 {
    fn encode(&self, w: &mut Writer) {
        w.serde(self);
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn encode(&self, w: &mut Writer) {
        (**self).encode(w);
    }
}

/// A map's members, in its own order (serde writes them in the same).
fn map<'a, T: Encode + 'a>(w: &mut Writer, members: impl IntoIterator<Item = (&'a String, &'a T)>) {
    w.begin_object();
    for (key, value) in members {
        w.field(key, value);
    }
    w.end_object();
}

impl<T: Encode> Encode for std::collections::BTreeMap<String, T> {
    fn encode(&self, w: &mut Writer) {
        map(w, self);
    }
}

impl<T: Encode> Encode for std::collections::HashMap<String, T> {
    fn encode(&self, w: &mut Writer) {
        map(w, self);
    }
}

impl Encode for f64 {
    fn encode(&self, w: &mut Writer) {
        // serde_json's text for a float (null when not finite).
        match serde_json::Number::from_f64(*self) {
            Some(n) => w.raw(&n.to_string()),
            None => w.raw("null"),
        }
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, w: &mut Writer) {
        match self {
            Some(value) => value.encode(w),
            None => w.raw("null"),
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, w: &mut Writer) {
        self.as_slice().encode(w);
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, w: &mut Writer) {
        // Slice patterns rather than an enumerated iterator: this is
        // instantiated for every item type, and a pattern adds no
        // iterator code to each copy.
        w.out.push('[');
        let mut rest = self;
        while let [item, tail @ ..] = rest {
            item.encode(w);
            if let [_, ..] = tail {
                w.out.push(',');
            }
            rest = tail;
        }
        w.out.push(']');
    }
}

impl Encode for serde_json::Value {
    fn encode(&self, w: &mut Writer) {
        w.serde(self);
    }
}

impl Encode for serde_json::Map<String, serde_json::Value> {
    fn encode(&self, w: &mut Writer) {
        w.serde(self);
    }
}

impl Encode for chrono::DateTime<chrono::Utc> {
    fn encode(&self, w: &mut Writer) {
        w.serde(self);
    }
}

impl Encode for chrono::NaiveDate {
    fn encode(&self, w: &mut Writer) {
        w.serde(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde<T: Encode + serde::Serialize>(value: T) {
        let ours = String::from_utf8(to_vec(&value)).unwrap();
        assert_eq!(ours, serde_json::to_string(&value).unwrap());
    }

    #[test]
    fn primitives_are_written_as_serde_json_writes_them() {
        same_as_serde("plain".to_string());
        same_as_serde("\" \\ / \u{8} \u{c} \n \r \t \u{1} \u{1f} é 😀 \u{7f}".to_string());
        same_as_serde(true);
        same_as_serde(-12i64);
        for f in [
            0.0,
            -0.0,
            1.5,
            1e300,
            1e-7,
            123456789.0,
            f64::NAN,
            f64::INFINITY,
        ] {
            same_as_serde(f);
        }
        same_as_serde(Some(vec![Some(1i64), None]));
        same_as_serde(7u8);
        same_as_serde(u64::MAX);
        same_as_serde(1.5f32);
        same_as_serde(Box::new(
            [("b".to_string(), 2i32), ("a".to_string(), -1)]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        ));
        same_as_serde(serde_json::json!({"a": [1, "x", null]}));
        same_as_serde(
            "2024-01-15T10:00:00.5Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        );
    }
}
