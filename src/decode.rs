//! The decoder the generated types read JSON with: a pull reader over the
//! body's bytes that keeps the JSON pointer of the value it is on, and the
//! [`Decode`] trait `cargo xtask codegen` implements for every type in
//! `types` a response reaches (in `generated/sdk.rs`). Non-generic: one copy of the reader for
//! the whole crate, one plain function per type, where serde's derive
//! instantiates its deserializer per type and per format.
//!
//! An error names the value it is about by its JSON pointer (`/data/3/npi`),
//! taken from the reader's own path, and never contains a value from the
//! body.

use std::borrow::Cow;
use std::fmt;

/// Why a body did not decode, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The JSON pointer of the value (for a missing field, of its object).
    pub pointer: String,
    /// What was wrong, without the value.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at `{}`", self.reason, self.pointer)
    }
}

impl DecodeError {
    /// The crate's [`Error::Decode`](crate::Error::Decode) for `body`.
    pub(crate) fn into_error(
        self,
        status: Option<reqwest::StatusCode>,
        body: bytes::Bytes,
    ) -> crate::Error {
        crate::Error::Decode {
            status,
            body: crate::error::RawBody::new(body),
            path: self.pointer,
            reason: self.reason,
        }
    }
}

pub type Result<T> = std::result::Result<T, DecodeError>;

/// A type `generated/decode.rs` (or this module) can read.
pub trait Decode: Sized {
    /// Reads one value of this type from `r`.
    fn decode(r: &mut Reader<'_>) -> Result<Self>;
}

/// A required member's value, checked present before (the generated
/// decoders check every required member, then build the struct).
pub(crate) fn present<T>(slot: Option<T>) -> T {
    match slot {
        Some(value) => value,
        None => unreachable!("a required member is checked before the struct is built"),
    }
}

/// Decodes a whole body: one value, then only whitespace.
pub fn from_slice<T: Decode>(body: &[u8]) -> Result<T> {
    let mut r = Reader::new(body);
    let value = T::decode(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// Where the reader is inside one object or array.
enum Segment {
    /// Where the key of the member being read is in the input, between
    /// its quotes, escapes and all (`None`: between members), and whether no
    /// member has been read yet. Unescaped only for an error's pointer.
    Object {
        key: Option<std::ops::Range<usize>>,
        first: bool,
    },
    /// The index of the item being read (`None`: before the first).
    Array { index: Option<usize> },
}

/// What the next value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    /// As serde's errors name what they found (`invalid type: string, …`).
    fn name(self) -> &'static str {
        match self {
            Kind::Object => "map",
            Kind::Array => "sequence",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Bool => "boolean",
            Kind::Null => "null",
        }
    }
}

/// How deep objects and arrays may nest (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// The pull reader.
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    path: Vec<Segment>,
    /// Bytes [`Reader::capacity_hint`] may still read ahead: twice the
    /// input, so counting lists costs at most two more passes over the
    /// body however deeply its lists nest.
    ahead: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Reader<'a> {
        Reader {
            input,
            pos: 0,
            path: Vec::new(),
            ahead: input.len().saturating_mul(2),
        }
    }

    /// The JSON pointer of the value the reader is on.
    pub(crate) fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Object { key: Some(raw), .. } => {
                    // The key was read once already: it is a valid string.
                    let quoted = &self.input[raw.start.saturating_sub(1)..raw.end + 1];
                    let key = Reader::new(quoted).string().unwrap_or_default();
                    out.push('/');
                    out.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
                Segment::Array { index: Some(i) } => {
                    out.push('/');
                    out.push_str(&i.to_string());
                }
                _ => {}
            }
        }
        out
    }

    /// An error about the value the reader is on.
    pub(crate) fn error(&self, reason: impl Into<String>) -> DecodeError {
        DecodeError {
            pointer: self.pointer(),
            reason: reason.into(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.input.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eof(&self) -> DecodeError {
        self.error("EOF while parsing a value")
    }

    /// The kind of the next value (whitespace skipped).
    pub(crate) fn peek(&mut self) -> Result<Kind> {
        self.skip_ws();
        Ok(match self.input.get(self.pos) {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b'-' | b'0'..=b'9') => Kind::Number,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            Some(_) => return Err(self.error("expected value")),
            None => return Err(self.eof()),
        })
    }

    /// "invalid type: X, expected Y" for the next value.
    pub(crate) fn invalid_type(&mut self, expected: &str) -> DecodeError {
        match self.peek() {
            Ok(kind) => self.error(format!(
                "invalid type: {}, expected {expected}",
                kind.name()
            )),
            Err(e) => e,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected value"))
        }
    }

    /// Consumes a `null` if one is next.
    pub(crate) fn null(&mut self) -> Result<bool> {
        if self.peek()? == Kind::Null {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    pub(crate) fn bool(&mut self) -> Result<bool> {
        if self.peek()? != Kind::Bool {
            return Err(self.invalid_type("a boolean"));
        }
        if self.input[self.pos] == b't' {
            self.literal(b"true").map(|_| true)
        } else {
            self.literal(b"false").map(|_| false)
        }
    }

    /// The next number's text, checked against JSON's grammar.
    fn number_text(&mut self) -> Result<&'a str> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while let Some(b'0'..=b'9') = r.input.get(r.pos) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        if self.input.get(self.pos) == Some(&b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err(self.error("invalid number"));
        }
        if self.input.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.input.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.input.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        // ASCII only, checked above.
        Ok(std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default())
    }

    pub(crate) fn f64(&mut self) -> Result<f64> {
        if self.peek()? != Kind::Number {
            return Err(self.invalid_type("f64"));
        }
        let text = self.number_text()?;
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| self.error("number out of range"))
    }

    pub(crate) fn i64(&mut self) -> Result<i64> {
        self.integer("i64")
    }

    /// An integer of type `T` (`name` for the messages): a number with a
    /// fraction or an exponent, or out of `T`'s range, is an error. The
    /// text is read once as an `i128` (every integer type typify chooses
    /// fits), so the digits are parsed by one function for all of them and
    /// only the narrowing is per type.
    pub(crate) fn integer<T: TryFrom<i128>>(&mut self, name: &str) -> Result<T> {
        self.integer_i128(name)
            .and_then(|wide| T::try_from(wide).map_err(|_| self.out_of_range(name)))
    }

    fn integer_i128(&mut self, name: &str) -> Result<i128> {
        if self.peek()? != Kind::Number {
            return Err(self.invalid_type(name));
        }
        let text = self.number_text()?;
        // serde_json reads `-0` as a float (negative zero), so it is not an
        // integer there either.
        if text.contains(['.', 'e', 'E']) || text == "-0" {
            return Err(self.error(format!("invalid type: floating point, expected {name}")));
        }
        text.parse::<i128>().map_err(|_| self.out_of_range(name))
    }

    #[cold]
    fn out_of_range(&self, name: &str) -> DecodeError {
        self.error(format!(
            "invalid value: integer out of range, expected {name}"
        ))
    }

    pub(crate) fn string(&mut self) -> Result<String> {
        self.str().map(Cow::into_owned)
    }

    /// The next string, borrowed from the input when it has no escapes.
    pub(crate) fn str(&mut self) -> Result<Cow<'a, str>> {
        if self.peek()? != Kind::String {
            return Err(self.invalid_type("a string"));
        }
        self.pos += 1;
        let start = self.pos;
        while let Some(&b) = self.input.get(self.pos) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.pos += 1;
        }
        if self.input.get(self.pos) == Some(&b'"') {
            let text = std::str::from_utf8(&self.input[start..self.pos])
                .map_err(|_| self.error("invalid unicode code point"))?;
            self.pos += 1;
            return Ok(Cow::Borrowed(text));
        }
        self.pos = start;
        self.escaped().map(Cow::Owned)
    }

    /// The rest of a string that has escapes (the reader is past its quote).
    fn escaped(&mut self) -> Result<String> {
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.input.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            let run = std::str::from_utf8(&self.input[start..self.pos])
                .map_err(|_| self.error("invalid unicode code point"))?;
            out.push_str(run);
            match self.input.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("control character found while parsing a string")),
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        let Some(&b) = self.input.get(self.pos) else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if !self.input[self.pos..].starts_with(b"\\u") {
                        return Err(self.error("unexpected end of hex escape"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error("lone leading surrogate in hex escape"));
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))?
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .input
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("EOF while parsing a string"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("invalid escape"))?;
        let code = u32::from_str_radix(text, 16).map_err(|_| self.error("invalid escape"))?;
        self.pos += 4;
        Ok(code)
    }

    /// Enters an object; then [`Reader::next_key`] until it returns `None`.
    pub(crate) fn begin_object(&mut self) -> Result<()> {
        if self.peek()? != Kind::Object {
            return Err(self.invalid_type("a map"));
        }
        self.deeper()?;
        self.pos += 1;
        self.path.push(Segment::Object {
            key: None,
            first: true,
        });
        Ok(())
    }

    /// The next member's key (the reader is then on its value, and the key
    /// is in the pointer), or `None` at the object's end (the reader is then
    /// past it). Call [`Reader::value_done`] after each value.
    pub(crate) fn next_key(&mut self) -> Result<Option<Cow<'a, str>>> {
        self.skip_ws();
        let first = matches!(self.path.last(), Some(Segment::Object { first: true, .. }));
        match self.input.get(self.pos) {
            Some(b'}') => {
                self.pos += 1;
                self.path.pop();
                return Ok(None);
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_ws();
            }
            Some(_) if first => {}
            Some(_) => return Err(self.error("expected `,` or `}`")),
            None => return Err(self.eof()),
        }
        if self.input.get(self.pos) != Some(&b'"') {
            return Err(self.error("key must be a string"));
        }
        let start = self.pos + 1;
        let key = self.str()?;
        let raw = start..self.pos - 1;
        self.skip_ws();
        if self.input.get(self.pos) != Some(&b':') {
            return Err(self.error("expected `:`"));
        }
        self.pos += 1;
        if let Some(last) = self.path.last_mut() {
            *last = Segment::Object {
                key: Some(raw),
                first: false,
            };
        }
        Ok(Some(key))
    }

    /// After a member's value: the pointer names the object again (until
    /// the next key).
    pub(crate) fn value_done(&mut self) {
        if let Some(Segment::Object { key, .. }) = self.path.last_mut() {
            *key = None;
        }
    }

    /// The pointer of the object the reader is in (for "missing field",
    /// reported once the object is read).
    pub(crate) fn missing(&self, field: &str) -> DecodeError {
        self.error(format!("missing field `{field}`"))
    }

    /// Reads a member's value into its slot; a second member of the same
    /// name is an error, as serde's derive makes it.
    pub(crate) fn field<T: Decode>(&mut self, slot: &mut Option<T>, key: &str) -> Result<()> {
        if slot.is_some() {
            return Err(self.duplicate(key));
        }
        *slot = Some(T::decode(self)?);
        Ok(())
    }

    /// Out of line: [`Reader::field`] is instantiated once per field type.
    #[cold]
    #[inline(never)]
    fn duplicate(&self, key: &str) -> DecodeError {
        self.error(format!("duplicate field `{key}`"))
    }

    /// Refuses to nest deeper than serde_json does (128 levels): a body
    /// nested without end would otherwise overflow the stack, in an unknown
    /// member that is skipped as much as in a typed one.
    fn deeper(&self) -> Result<()> {
        if self.path.len() >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        Ok(())
    }

    /// Enters an array; then [`Reader::next_item`] until it returns `false`.
    pub(crate) fn begin_array(&mut self) -> Result<()> {
        if self.peek()? != Kind::Array {
            return Err(self.invalid_type("a sequence"));
        }
        self.deeper()?;
        self.pos += 1;
        self.path.push(Segment::Array { index: None });
        Ok(())
    }

    /// How many items of `item_size` bytes to reserve for the array the
    /// reader has just entered: the items its text holds, counted ahead
    /// without moving, so a list is allocated once at its size instead of
    /// growing by doubling (up to twice the room, and both buffers while it
    /// moves). Never more than twice the array's text in bytes (plus one
    /// item), so text that is not what it claims (`[{},{},…]` where each item
    /// needs 400 bytes) reserves no more than that before it is refused.
    /// Once the reader has read ahead twice the body (lists in lists in
    /// lists, each counted again), the count stops where the budget does
    /// and the list grows from there.
    pub(crate) fn capacity_hint(&mut self, item_size: usize) -> usize {
        let end = self.pos.saturating_add(self.ahead).min(self.input.len());
        let (items, text) = items_ahead(&self.input[self.pos..end]);
        self.ahead -= text;
        items.min(2 * text / item_size.max(1) + 1)
    }

    /// Whether another item follows (the reader is then on it).
    pub(crate) fn next_item(&mut self) -> Result<bool> {
        self.skip_ws();
        let index = match self.path.last() {
            Some(Segment::Array { index }) => *index,
            _ => None,
        };
        match self.input.get(self.pos) {
            Some(b']') => {
                self.pos += 1;
                self.path.pop();
                return Ok(false);
            }
            Some(b',') if index.is_some() => {
                self.pos += 1;
            }
            Some(_) if index.is_none() => {}
            Some(_) => return Err(self.error("expected `,` or `]`")),
            None => return Err(self.eof()),
        }
        if let Some(last) = self.path.last_mut() {
            *last = Segment::Array {
                index: Some(index.map_or(0, |i| i + 1)),
            };
        }
        Ok(true)
    }

    /// Reads past the next value, whatever it is.
    pub(crate) fn skip(&mut self) -> Result<()> {
        match self.peek()? {
            Kind::Object => {
                self.begin_object()?;
                while self.next_key()?.is_some() {
                    self.skip()?;
                    self.value_done();
                }
            }
            Kind::Array => {
                self.begin_array()?;
                while self.next_item()? {
                    self.skip()?;
                }
            }
            Kind::String => {
                self.string()?;
            }
            Kind::Number => {
                self.number_text()?;
            }
            Kind::Bool => {
                self.bool()?;
            }
            Kind::Null => {
                self.null()?;
            }
        }
        Ok(())
    }

    /// The next value as untyped JSON (for the document's free-form fields).
    pub(crate) fn json(&mut self) -> Result<serde_json::Value> {
        self.skip_ws();
        let start = self.pos;
        self.skip()?;
        serde_json::from_slice(&self.input[start..self.pos])
            .map_err(|e| self.error(format!("invalid JSON: {}", e.classify_name())))
    }

    /// Only whitespace may follow the value.
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos < self.input.len() {
            return Err(self.error("trailing characters"));
        }
        Ok(())
    }
}

/// A name for serde_json's error category, without its text (which can
/// quote the body).
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "eof",
        }
    }
}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.string()
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.bool()
    }
}

impl Decode for f64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.f64()
    }
}

impl Decode for i64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.i64()
    }
}

/// The integer types typify may choose for a document's `format`s.
macro_rules! integers {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self> {
                r.integer(stringify!($t))
            }
        }
    )*};
}

integers!(i8, i16, i32, u8, u16, u32, u64);

impl Decode for f32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        // As serde_json: read as f64, then narrowed.
        r.f64().map(|f| f as f32)
    }
}

/// The items of the array whose text starts at `text` (just past its `[`)
/// and the length of that text up to its `]`: commas outside nested values
/// and strings, plus one if anything but whitespace is there. Malformed
/// text gives some count; decoding the items refuses it.
fn items_ahead(text: &[u8]) -> (usize, usize) {
    let (mut depth, mut commas, mut any) = (0usize, 0usize, false);
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b' ' | b'\n' | b'\r' | b'\t' => {}
            b']' | b'}' if depth == 0 => break,
            b']' | b'}' => depth -= 1,
            b'[' | b'{' => depth += 1,
            b',' if depth == 0 => commas += 1,
            b'"' => {
                // To the closing quote, past escaped characters.
                i += 1;
                while let Some(at) = text.get(i..).and_then(|t| memchr::memchr2(b'"', b'\\', t)) {
                    i += at;
                    if text[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
                any = true;
            }
            _ => any = true,
        }
        any |= depth > 0;
        i += 1;
    }
    (if any { commas + 1 } else { 0 }, i.min(text.len()))
}

impl<T: Decode> Decode for Box<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        T::decode(r).map(Box::new)
    }
}

/// A map of typed values (`additionalProperties` with a schema); a later
/// duplicate key replaces an earlier one, as with serde.
fn map<T: Decode, M: Default + Extend<(String, T)>>(r: &mut Reader<'_>) -> Result<M> {
    r.begin_object()?;
    let mut out = M::default();
    while let Some(key) = r.next_key()? {
        let key = key.into_owned();
        let value = T::decode(r)?;
        out.extend(std::iter::once((key, value)));
        r.value_done();
    }
    Ok(out)
}

impl<T: Decode> Decode for std::collections::HashMap<String, T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        map(r)
    }
}

impl<T: Decode> Decode for std::collections::BTreeMap<String, T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        map(r)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        if r.null()? {
            return Ok(None);
        }
        T::decode(r).map(Some)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.begin_array()?;
        let mut out = Vec::with_capacity(r.capacity_hint(std::mem::size_of::<T>()));
        while r.next_item()? {
            out.push(T::decode(r)?);
        }
        Ok(out)
    }
}

impl Decode for serde_json::Value {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        r.json()
    }
}

impl Decode for serde_json::Map<String, serde_json::Value> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        if r.peek()? != Kind::Object {
            return Err(r.invalid_type("a map"));
        }
        match r.json()? {
            serde_json::Value::Object(map) => Ok(map),
            _ => Err(r.error("invalid type, expected a map")),
        }
    }
}

impl Decode for chrono::DateTime<chrono::Utc> {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let text = r.str()?;
        text.parse::<chrono::DateTime<chrono::FixedOffset>>()
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|e| r.error(e.to_string()))
    }
}

impl Decode for chrono::NaiveDate {
    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let text = r.str()?;
        text.parse::<chrono::NaiveDate>()
            .map_err(|e| r.error(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde<T>(json: &str)
    where
        T: Decode + serde::de::DeserializeOwned + fmt::Debug,
    {
        let ours = from_slice::<T>(json.as_bytes());
        let theirs = serde_json::from_str::<T>(json);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{json}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{json}: ours {ours:?}, serde {theirs:?}"),
        }
    }

    #[test]
    fn primitives_decode_as_serde_decodes_them() {
        for json in [
            r#""plain""#,
            r#""esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00""#,
            r#""é ü 😀""#,
            r#""\ud83d""#,
            r#""\x""#,
            "\"a\u{1}b\"",
            r#""unterminated"#,
            "1",
            "null",
        ] {
            same_as_serde::<String>(json);
        }
        for json in [
            "0", "-0", "1.5", "-1e3", "1E+2", "01", "1.", ".5", "-", "1e", "\"1\"", "1e400",
        ] {
            same_as_serde::<f64>(json);
        }
        for json in [
            "0",
            "-12",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "170141183460469231731687303715884105728",
            "99999999999999999999999999999999999999999999",
            "-0",
            "256",
            "-1",
            "1.0",
            "1e2",
        ] {
            same_as_serde::<i64>(json);
            same_as_serde::<u64>(json);
            same_as_serde::<i32>(json);
            same_as_serde::<u8>(json);
            same_as_serde::<i8>(json);
            same_as_serde::<i16>(json);
            same_as_serde::<u16>(json);
            same_as_serde::<u32>(json);
        }
        for json in [r#"{"a": 1, "b": 2}"#, r#"{"a": "x"}"#, "[]", "{}"] {
            same_as_serde::<std::collections::BTreeMap<String, i64>>(json);
            same_as_serde::<Box<Option<std::collections::BTreeMap<String, u8>>>>(json);
        }
        same_as_serde::<f32>("1.5");
        for json in ["true", "false", "tru", "null", "0"] {
            same_as_serde::<bool>(json);
        }
        for json in ["[]", "[1, 2 ,3]", "[1,]", "[1 2]", "[", "null", "{}"] {
            same_as_serde::<Vec<i64>>(json);
            same_as_serde::<Option<Vec<i64>>>(json);
        }
        for json in [
            r#"{"a": [1, {"b": null}], "c": "d"}"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{1: 2}"#,
            "[]",
        ] {
            same_as_serde::<serde_json::Value>(json);
            same_as_serde::<serde_json::Map<String, serde_json::Value>>(json);
        }
        for json in [
            r#""2024-01-15T10:00:00Z""#,
            r#""2024-01-15T10:00:00.123+02:00""#,
            r#""2024-01-15""#,
            r#""nope""#,
        ] {
            same_as_serde::<chrono::DateTime<chrono::Utc>>(json);
            same_as_serde::<chrono::NaiveDate>(json);
        }
        same_as_serde::<String>(" \"x\" \n");
        for depth in [127, 128, 129, 100_000] {
            let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            same_as_serde::<serde_json::Value>(&nested);
            let member = format!(r#"{{"a": {nested}}}"#);
            same_as_serde::<serde_json::Map<String, serde_json::Value>>(&member);
            let skipped = from_slice::<Skipped>(member.as_bytes());
            assert_eq!(skipped.is_ok(), depth < 128, "{depth}");
        }
        same_as_serde::<String>("\"x\" y");
    }

    /// An object whose members are all skipped.
    #[derive(Debug)]
    struct Skipped;

    impl Decode for Skipped {
        fn decode(r: &mut Reader<'_>) -> Result<Self> {
            r.begin_object()?;
            while r.next_key()?.is_some() {
                r.skip()?;
                r.value_done();
            }
            Ok(Skipped)
        }
    }

    #[test]
    fn arrays_are_counted_ahead_for_their_capacity() {
        let cases: &[(&str, usize)] = &[
            ("]", 0),
            (" ] ", 0),
            ("1]", 1),
            (r#""a,]" , {"b": [1, 2], "c": "}"} ,[3,4]]"#, 3),
            (r#""\"]", 2]"#, 2),
            ("1, 2", 2),
            // Cut short, even inside an escape: some count, no panic.
            (r#"[1, "a\"#, 1),
            (r#""\"#, 1),
        ];
        for (text, items) in cases {
            assert_eq!(items_ahead(text.as_bytes()).0, *items, "{text}");
        }
        // Exact for a list whose text is as large as its items...
        let list = format!("[{}]", vec!["{\"id\": \"x\"}"; 1000].join(","));
        let mut r = Reader::new(list.as_bytes());
        r.begin_array().unwrap();
        assert_eq!(r.capacity_hint(24), 1000);
        // ...and never more than twice the text for items that claim more.
        assert_eq!(r.capacity_hint(400), 2 * (list.len() - 2) / 400 + 1);
        let decoded = from_slice::<Vec<Vec<bool>>>(b"[[true, false, true], [], [false]]").unwrap();
        assert_eq!(
            decoded.iter().map(Vec::capacity).collect::<Vec<_>>(),
            [3, 0, 1]
        );
        assert_eq!(decoded.capacity(), 3);
        // Nested lists are counted again at each level, but the reader
        // reads ahead no more than twice the body in all.
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let mut r = Reader::new(deep.as_bytes());
        for _ in 0..100 {
            r.begin_array().unwrap();
            r.capacity_hint(1);
        }
        // (Counted at every level, the 100 lists would be 10,000 bytes.)
        assert_eq!(r.ahead, 0);
        assert_eq!(r.capacity_hint(1), 0);
        // Every cut of a body is refused, whatever the count ahead found.
        let body = r#"[["a\"]", "\\"], [], ["{,}", "b"]]"#;
        assert_eq!(
            from_slice::<Vec<Vec<String>>>(body.as_bytes()).unwrap()[0][0],
            "a\"]"
        );
        for cut in 0..body.len() {
            assert!(from_slice::<Vec<Vec<String>>>(&body.as_bytes()[..cut]).is_err());
        }
    }

    #[test]
    fn errors_name_the_value_by_its_pointer() {
        let err = from_slice::<Vec<Vec<i64>>>(b"[[1], [2, \"x\"]]").unwrap_err();
        assert_eq!(err.pointer, "/1/1");
        assert_eq!(err.reason, "invalid type: string, expected i64");
        let mut r = Reader::new(br#"{"a~b/c": {"d": [true]}}"#);
        r.begin_object().unwrap();
        assert_eq!(r.next_key().unwrap().as_deref(), Some("a~b/c"));
        r.begin_object().unwrap();
        r.next_key().unwrap();
        r.begin_array().unwrap();
        assert!(r.next_item().unwrap());
        assert_eq!(r.pointer(), "/a~0b~1c/d/0");
    }
}
