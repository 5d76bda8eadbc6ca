//! The merged INI model of kolla-ansible's `OverrideConfigParser`
//! (spec `ini-merge.md`, sections B and C), with provenance.
//!
//! The merge is built while each source is parsed, in one pass: the first
//! time a source sets a key, the key's earlier occurrences move to its
//! history (that is the provenance `--explain` shows) and the source's
//! occurrences replace them; later occurrences in the same source append.
//! That is the same result as upstream's parse-then-fold, because a source's
//! sections and keys fold in the order they first appear in it.
//!
//! Everything borrows the source texts: values are slices, occurrences live
//! in one flat vector linked by index, so a merge costs a handful of
//! allocations however many keys it holds.

use hashbrown::HashTable;

use super::parse::{self, word, Assignment, Form, Sink};
use super::Error;
use crate::error::Location;
use crate::pycompat;

/// The hidden section that holds keys written before any header.
pub const ORPHAN_SECTION: &str = "TEMPORARY_ORPHAN_VARIABLE_SECTION";

const NIL: u32 = u32::MAX;

/// One occurrence of a key: its first line and continuation lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Occurrence {
    /// Index of the source that set it.
    pub source: u32,
    /// 1-based line of the assignment in that source.
    pub line: u32,
    /// Its lines, `lines[start..end]`; empty for an empty value. The first
    /// is the whole assignment line when `form` is not [`Form::Other`]
    /// (the writer then copies it in one piece), and the value starts at
    /// `value_at` in it.
    pub start: u32,
    pub end: u32,
    value_at: u32,
    form: Form,
    /// The next occurrence in the same chain.
    next: u32,
}

/// A key's current occurrences and the ones they replaced.
#[derive(Debug, Clone, Copy)]
struct KeyState {
    head: u32,
    tail: u32,
    /// Replaced occurrences: each source's group in its own order, the
    /// groups newest first (prepending needs no tail; explain sorts them).
    old_head: u32,
    /// The source that set the current occurrences.
    source: u32,
}

impl Default for KeyState {
    fn default() -> Self {
        KeyState {
            head: NIL,
            tail: NIL,
            old_head: NIL,
            source: NIL,
        }
    }
}

/// A fast, non-keyed hash of a (section, key) pair: keys are short, trusted
/// config names, and SipHash would cost more than the rest of the parse.
/// Every load has a fixed size (the last word overlaps the one before), so
/// no variable-length copy is made.
#[inline]
fn key_hash(section: u32, key: &str) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let b = key.as_bytes();
    let n = b.len();
    let mix = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(K);
    let half = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    let mut h = mix(u64::from(section), n as u64);
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            h = mix(h, word(b, i));
            i += 8;
        }
        h = mix(h, word(b, n - 8));
    } else if n >= 4 {
        h = mix(h, half(0) << 32 | half(n - 4));
    } else if n > 0 {
        h = mix(
            h,
            u64::from(b[0]) << 16 | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]),
        );
    }
    // hashbrown takes the bucket from the low bits and a tag from the top 7.
    h ^ (h >> 29)
}

/// `a == b` for short names with fixed-size loads (a plain `==` calls
/// `memcmp`, whose call costs more than comparing a config key).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// A section: its name and its keys, in order, as a chain through
/// [`Key::next`] (one allocation for all sections' keys).
#[derive(Debug, Clone)]
struct Section<'a> {
    name: &'a str,
    /// The source the name was read from.
    source: u32,
    hash: u64,
    first: u32,
    last: u32,
}

/// A key of some section, with its occurrences.
#[derive(Debug, Clone)]
struct Key<'a> {
    name: &'a str,
    section: u32,
    /// The section's next key.
    next: u32,
    state: KeyState,
}

impl Key<'_> {
    /// Recomputed only when the table grows, which the first reserve avoids.
    fn hash(&self) -> u64 {
        key_hash(self.section, self.name)
    }
}

/// Sources merged the way `merge_configs` merges them: last source wins per
/// key, occurrences within one source accumulate, sections and keys keep the
/// order they first appeared in.
///
/// The merge borrows the names and texts it is given.
///
/// ```
/// use kolla_core::ini::IniMerge;
/// let mut m = IniMerge::new();
/// m.add("nova.conf.j2", "[DEFAULT]\ndebug = False\nworkers = 4\n")?;
/// m.add("/etc/kolla/config/nova.conf", "[DEFAULT]\ndebug = True\n")?;
/// assert_eq!(m.write(true), "[DEFAULT]\ndebug = True\nworkers = 4\n\n");
/// assert_eq!(m.write(false), "[DEFAULT]\ndebug=True\nworkers=4\n\n");
/// # Ok::<(), kolla_core::ini::Error>(())
/// ```
#[derive(Default, Clone)]
pub struct IniMerge<'a> {
    names: Vec<&'a str>,
    texts: Vec<&'a str>,
    // Flat storage: one table finds a section by name, one finds a key by
    // (section, name); both are sized once from the first source's length.
    sections: Vec<Section<'a>>,
    section_index: HashTable<u32>,
    keys: Vec<Key<'a>>,
    key_index: HashTable<u32>,
    lines: Vec<&'a str>,
    occurrences: Vec<Occurrence>,
    // Parser state for the source being added.
    source: u32,
    section: Option<u32>,
    pending: Option<Pending>,
}

/// The assignment being read: its key, line, first entry in `lines`, and
/// how that entry is laid out.
#[derive(Debug, Clone, Copy)]
struct Pending {
    key: u32,
    line: u32,
    start: u32,
    value_at: u32,
    form: Form,
}

impl std::fmt::Debug for IniMerge<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IniMerge")
            .field("sources", &self.names)
            .field("sections", &self.sections.len())
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl<'a> IniMerge<'a> {
    /// An empty merge; writing it gives `""`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `text` (named `name` in errors and provenance) and merges it
    /// over what was added before.
    ///
    /// # Errors
    /// [`Error::Parse`] at `name`'s own line, with upstream's message. The
    /// merge is then incomplete: discard it, as upstream fails the task.
    pub fn add(&mut self, name: &'a str, text: &'a str) -> Result<(), Error> {
        self.source = u32::try_from(self.names.len()).expect("fewer than 2^32 sources");
        self.names.push(name);
        self.texts.push(text);
        self.section = None;
        self.pending = None;
        if self.keys.is_empty() {
            // Roughly one line in 30 bytes, most of them assignments; the
            // first source (the rendered template) is usually the largest,
            // so leave room for the overrides too rather than grow (and copy)
            // the vectors later.
            // Sized for kolla's templates (about 50 bytes of text per key,
            // 40 per assignment, 30 per line) and kept small: the whole
            // merge then fits the heap glibc keeps between merges, where a
            // generous guess made every merge grow and trim the heap.
            let keys = &self.keys;
            self.key_index
                .reserve(text.len() / 45, |&i| keys[i as usize].hash());
            self.keys.reserve(text.len() / 45);
            let sections = &self.sections;
            self.section_index
                .reserve(64, |&i| sections[i as usize].hash);
            self.sections.reserve(64);
            self.lines.reserve(text.len() / 30);
            self.occurrences.reserve(text.len() / 40);
        }
        parse::parse(text, self).map_err(|f| Error::Parse {
            location: Location::new(name, f.line).with_column(f.column()),
            message: f.upstream_message(),
        })
    }

    /// Whether there is nothing to write (no sections).
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The source names, in the order they were added.
    pub fn sources(&self) -> &[&'a str] {
        &self.names
    }

    /// The merged text, as upstream's `OverrideConfigParser.write` produces
    /// it; `whitespace` puts spaces around `=`.
    pub fn write(&self, whitespace: bool) -> String {
        let mut out = String::with_capacity(self.size_hint());
        self.write_into(&mut out, whitespace);
        out
    }

    /// Appends the merged text to `out` (see [`IniMerge::write`]).
    pub fn write_into(&self, out: &mut String, whitespace: bool) {
        let (ws, sep, form) = if whitespace {
            (" ", " = ", Form::Spaced)
        } else {
            ("", "=", Form::Tight)
        };
        // Lines that already read as they are written and follow each other
        // in a source are copied as one run.
        let mut run = Run::new(out, &self.texts);
        for section in &self.sections {
            if section.name != ORPHAN_SECTION {
                // The header line is `[name]` exactly where the name was read.
                let at = run.offset(section.source, section.name);
                run.piece(section.source, at - 1, section.name.len() + 2);
            }
            let mut k = section.first;
            while k != NIL {
                let Key {
                    name: key,
                    state,
                    next,
                    ..
                } = &self.keys[k as usize];
                k = *next;
                let mut indent = usize::MAX;
                let mut at = state.head;
                while at != NIL {
                    let occ = self.occurrences[at as usize];
                    at = occ.next;
                    let lines = &self.lines[occ.start as usize..occ.end as usize];
                    let Some((first, rest)) = lines.split_first() else {
                        // An empty occurrence: `key =`, no space after `=`.
                        run.text(&[key, &sep[..sep.len() - ws.len()]]);
                        continue;
                    };
                    if occ.form == form {
                        // The source line already reads `key = value`.
                        let at = run.offset(occ.source, first);
                        run.piece(occ.source, at, first.len());
                    } else {
                        run.text(&[key, sep, &first[occ.value_at as usize..]]);
                    }
                    for line in rest {
                        if indent == usize::MAX {
                            indent = pycompat::char_len(key) + 2 * ws.len() + 1;
                        }
                        run.continuation(occ.source, line, indent);
                    }
                }
            }
            run.blank();
        }
        run.flush();
    }

    /// A guess at the written size, to allocate the output once and not
    /// much more: the stored lines (most first lines hold their key
    /// already), newlines, continuation indents and section headers.
    fn size_hint(&self) -> usize {
        let text: usize = self.lines.iter().map(|l| l.len()).sum();
        let continuations = self.lines.len().saturating_sub(self.occurrences.len());
        text + self.lines.len() * 2 + continuations * 8 + self.sections.len() * 32
    }

    /// Walks the merged result: for every section, its keys, each with its
    /// current and replaced occurrences (used by explain).
    pub(crate) fn for_each_key(
        &self,
        mut f: impl FnMut(&'a str, &'a str, Vec<Occurrence>, Vec<Occurrence>),
    ) {
        for section in &self.sections {
            let mut k = section.first;
            while k != NIL {
                let key = &self.keys[k as usize];
                k = key.next;
                f(section.name, key.name, self.chain(key.state.head), {
                    let mut old = self.chain(key.state.old_head);
                    old.sort_by_key(|o| o.source);
                    old
                });
            }
        }
    }

    /// The section names in order.
    pub(crate) fn section_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.sections.iter().map(|s| s.name)
    }

    fn chain(&self, mut at: u32) -> Vec<Occurrence> {
        let mut v = Vec::new();
        while at != NIL {
            let occ = self.occurrences[at as usize];
            v.push(occ);
            at = occ.next;
        }
        v
    }

    /// The lines of an occurrence: its value's first line, then its
    /// continuation lines.
    pub(crate) fn lines_of(&self, occ: &Occurrence) -> Vec<&'a str> {
        let mut lines = self.lines[occ.start as usize..occ.end as usize].to_vec();
        if let Some(first) = lines.first_mut() {
            *first = &first[occ.value_at as usize..];
        }
        lines
    }

    /// The name of the source with index `source`.
    pub(crate) fn source_name(&self, source: u32) -> &'a str {
        self.names[source as usize]
    }
}

impl<'a> Sink<'a> for IniMerge<'a> {
    fn section(&mut self, name: &'a str) {
        let hash = key_hash(u32::MAX, name);
        let sections = &self.sections;
        let index = match self.section_index.find(hash, |&i| {
            same(sections[i as usize].name.as_bytes(), name.as_bytes())
        }) {
            Some(&i) => i,
            None => {
                let i = self.sections.len() as u32;
                self.sections.push(Section {
                    name,
                    source: self.source,
                    hash,
                    first: NIL,
                    last: NIL,
                });
                let sections = &self.sections;
                self.section_index
                    .insert_unique(hash, i, |&j| sections[j as usize].hash);
                i
            }
        };
        self.section = Some(index);
    }

    #[inline]
    fn assignment(&mut self, a: Assignment<'a>) {
        let section = match self.section {
            Some(s) => s,
            None => {
                self.section(ORPHAN_SECTION);
                self.section.expect("just set")
            }
        };
        let key = a.key;
        let hash = key_hash(section, key);
        let keys = &self.keys;
        let found = self.key_index.find(hash, |&i| {
            let k = &keys[i as usize];
            k.section == section && same(k.name.as_bytes(), key.as_bytes())
        });
        let index = match found {
            Some(&i) => i,
            None => {
                let i = self.keys.len() as u32;
                self.keys.push(Key {
                    name: key,
                    section,
                    next: NIL,
                    state: KeyState::default(),
                });
                let keys = &self.keys;
                self.key_index
                    .insert_unique(hash, i, |&j| keys[j as usize].hash());
                let s = &mut self.sections[section as usize];
                if s.last == NIL {
                    s.first = i;
                } else {
                    self.keys[s.last as usize].next = i;
                }
                s.last = i;
                i
            }
        };
        let start = self.lines.len() as u32;
        let (first, value_at) = if a.value_len == 0 {
            ("", 0)
        } else if a.form == Form::Other {
            (a.value(), 0)
        } else {
            (a.line, a.value_at)
        };
        self.lines.push(first);
        self.pending = Some(Pending {
            key: index,
            line: a.number,
            start,
            value_at,
            form: a.form,
        });
    }

    #[inline]
    fn continuation(&mut self, text: &'a str) {
        self.lines.push(text);
    }

    fn flush(&mut self) {
        let Some(Pending {
            key,
            line,
            start,
            value_at,
            form,
        }) = self.pending.take()
        else {
            return;
        };
        let mut end = self.lines.len() as u32;
        if end == start + 1 && self.lines[start as usize].is_empty() {
            // A lone empty value is stored as an empty occurrence.
            self.lines.pop();
            end = start;
        }
        let at = self.occurrences.len() as u32;
        self.occurrences.push(Occurrence {
            source: self.source,
            line,
            start,
            end,
            value_at,
            form,
            next: NIL,
        });
        let state = &mut self.keys[key as usize].state;
        if state.source != self.source {
            // First time this source sets the key: what was there is replaced.
            if state.head != NIL {
                self.occurrences[state.tail as usize].next = state.old_head;
                state.old_head = state.head;
            }
            state.head = NIL;
            state.tail = NIL;
            state.source = self.source;
        }
        if state.tail == NIL {
            state.head = at;
        } else {
            self.occurrences[state.tail as usize].next = at;
        }
        state.tail = at;
    }
}

/// The writer's output, with the pending run: `texts[source][start..end]`
/// is still to be written, followed by `\n`.
struct Run<'o, 'a> {
    out: &'o mut String,
    texts: &'o [&'a str],
    source: u32,
    start: usize,
    end: usize,
}

impl<'o, 'a> Run<'o, 'a> {
    fn new(out: &'o mut String, texts: &'o [&'a str]) -> Self {
        Run {
            out,
            texts,
            source: NIL,
            start: 0,
            end: 0,
        }
    }

    /// Where `part`, a slice of source `source`, starts in it.
    #[inline]
    fn offset(&self, source: u32, part: &str) -> usize {
        part.as_ptr() as usize - self.texts[source as usize].as_ptr() as usize
    }

    /// Writes the line `texts[source][at..at + len]`: it joins the pending
    /// run when the run's text continues with `\n` and then this line.
    /// Whether the pending run's text goes on with `\n` and then `at` of
    /// source `source`.
    #[inline]
    fn continues(&self, source: u32, at: usize) -> bool {
        source == self.source
            && source != NIL
            && at == self.end + 1
            && self.texts[source as usize].as_bytes().get(self.end) == Some(&b'\n')
    }

    #[inline]
    fn piece(&mut self, source: u32, at: usize, len: usize) {
        if self.continues(source, at) {
            self.end = at + len;
            return;
        }
        self.flush();
        self.source = source;
        self.start = at;
        self.end = at + len;
    }

    /// Writes an empty line.
    fn blank(&mut self) {
        if self.continues(self.source, self.end + 1) {
            self.end += 1;
        } else {
            self.flush();
            self.out.push('\n');
        }
    }

    /// Writes a continuation line: `indent` spaces, then `line` (a slice of
    /// source `source`, already left-stripped).
    #[inline]
    fn continuation(&mut self, source: u32, line: &str, indent: usize) {
        let at = self.offset(source, line);
        let text = self.texts[source as usize];
        if indent <= SPACES.len()
            && at >= indent
            && same(
                &text.as_bytes()[at - indent..at],
                &SPACES.as_bytes()[..indent],
            )
        {
            self.piece(source, at - indent, line.len() + indent);
        } else {
            self.flush();
            push_spaces(self.out, indent);
            self.out.push_str(line);
            self.out.push('\n');
        }
    }

    /// Writes a line made of `parts`.
    fn text(&mut self, parts: &[&str]) {
        self.flush();
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    /// Writes the pending run.
    fn flush(&mut self) {
        if self.source != NIL {
            self.out
                .push_str(&self.texts[self.source as usize][self.start..self.end]);
            self.out.push('\n');
            self.source = NIL;
        }
    }
}

const SPACES: &str = "                                                                ";

fn push_spaces(out: &mut String, mut n: usize) {
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

/// Merges `sources` (name, text) in order and writes the result.
///
/// ```
/// let out = kolla_core::ini::merge_texts(
///     [("a", "[a]\nk=1\nk=2\nj=0\n"), ("b", "[a]\nk=3\nn=9\n")],
///     true,
/// )?;
/// assert_eq!(out, "[a]\nk = 3\nj = 0\nn = 9\n\n");
///
/// let err = kolla_core::ini::merge_texts([("a", "[a]\nk=v\n"), ("b", "[b]\nbad\n")], true)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "b:2:1: at line 2, No ':' or '=' found in assignment: 'bad'");
/// # Ok::<(), kolla_core::ini::Error>(())
/// ```
///
/// # Errors
/// [`Error::Parse`] for the first malformed source.
pub fn merge_texts<'a, I>(sources: I, whitespace: bool) -> Result<String, Error>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut merge = IniMerge::new();
    for (name, text) in sources {
        merge.add(name, text)?;
    }
    Ok(merge.write(whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer without runs: every line built from its parts.
    fn write_plain(m: &IniMerge<'_>, whitespace: bool) -> String {
        let (ws, sep) = if whitespace { (" ", " = ") } else { ("", "=") };
        let mut out = String::new();
        for section in &m.sections {
            if section.name != ORPHAN_SECTION {
                out += &format!("[{}]\n", section.name);
            }
            let mut k = section.first;
            while k != NIL {
                let key = &m.keys[k as usize];
                k = key.next;
                for occ in m.chain(key.state.head) {
                    let lines = m.lines_of(&occ);
                    let Some((first, rest)) = lines.split_first() else {
                        out += &format!("{}{}\n", key.name, sep.trim_end());
                        continue;
                    };
                    out += &format!("{}{sep}{first}\n", key.name);
                    let indent = key.name.chars().count() + 2 * ws.len() + 1;
                    for line in rest {
                        out += &format!("{}{line}\n", " ".repeat(indent));
                    }
                }
            }
            out.push('\n');
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn runs_write_what_the_parts_say(
            sources in proptest::collection::vec(
                proptest::collection::vec(
                    "(\\[[sé]{1,2}\\]|[kéj]{1,3}( = |=| =|= |: | :|  = )('?)[vé ]{0,3}('?)|( {1,6}|\t)[wé]{1,3}|#c|)[ \t]?",
                    0..10,
                ),
                1..4,
            ),
            trailing in proptest::bool::ANY,
        ) {
            let texts: Vec<String> = sources
                .iter()
                .map(|lines| {
                    let mut t = lines.join("\n");
                    if trailing {
                        t.push('\n');
                    }
                    t
                })
                .collect();
            let mut m = IniMerge::new();
            for (i, t) in texts.iter().enumerate() {
                if m.add(["a", "b", "c", "d"][i], t).is_err() {
                    return Ok(());
                }
            }
            for ws in [true, false] {
                proptest::prop_assert_eq!(m.write(ws), write_plain(&m, ws));
            }
        }
    }

    #[test]
    fn hash_and_equality_see_every_byte() {
        for n in 0..40 {
            let a = "k".repeat(n);
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'j';
                let b = String::from_utf8(b).unwrap();
                assert!(!same(a.as_bytes(), b.as_bytes()), "{a:?} {b:?}");
                assert_ne!(key_hash(1, &a), key_hash(1, &b), "{a:?} {b:?}");
            }
            assert!(same(a.as_bytes(), a.clone().as_bytes()));
            assert_ne!(key_hash(1, &a), key_hash(2, &a));
            assert!(!same(a.as_bytes(), format!("{a}k").as_bytes()));
        }
    }
}
