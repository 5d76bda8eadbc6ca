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

use super::parse::{self, Assignment, Form, Sink};
use super::Error;
use crate::error::Location;
use crate::pytext;

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
#[inline]
fn key_hash(section: u32, key: &str) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let b = key.as_bytes();
    let mix = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(K);
    let load = |s: &[u8]| {
        let mut buf = [0u8; 8];
        buf[..s.len()].copy_from_slice(s);
        u64::from_le_bytes(buf)
    };
    let mut h = mix(u64::from(section), b.len() as u64);
    if b.len() <= 16 {
        let split = b.len().min(8);
        h = mix(h, load(&b[..split]));
        h = mix(h, load(&b[split..]));
    } else {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            h = mix(h, u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        h = mix(h, load(chunks.remainder()));
    }
    // hashbrown takes the bucket from the low bits and a tag from the top 7.
    h ^ (h >> 29)
}

/// A section: its name and its keys, in order, as a chain through
/// [`Key::next`] (one allocation for all sections' keys).
#[derive(Debug, Clone)]
struct Section<'a> {
    name: &'a str,
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
/// use kolla_core::config::IniMerge;
/// let mut m = IniMerge::new();
/// m.add("nova.conf.j2", "[DEFAULT]\ndebug = False\nworkers = 4\n")?;
/// m.add("/etc/kolla/config/nova.conf", "[DEFAULT]\ndebug = True\n")?;
/// assert_eq!(m.write(true), "[DEFAULT]\ndebug = True\nworkers = 4\n\n");
/// assert_eq!(m.write(false), "[DEFAULT]\ndebug=True\nworkers=4\n\n");
/// # Ok::<(), kolla_core::config::Error>(())
/// ```
#[derive(Default, Clone)]
pub struct IniMerge<'a> {
    names: Vec<&'a str>,
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
            location: Location::new(name, f.line),
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
        for section in &self.sections {
            if section.name != ORPHAN_SECTION {
                out.push('[');
                out.push_str(section.name);
                out.push_str("]\n");
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
                        out.push_str(key);
                        out.push_str(&sep[..sep.len() - ws.len()]);
                        out.push('\n');
                        continue;
                    };
                    if occ.form == form {
                        // The source line already reads `key = value`.
                        out.push_str(first);
                    } else {
                        out.push_str(key);
                        out.push_str(sep);
                        out.push_str(&first[occ.value_at as usize..]);
                    }
                    out.push('\n');
                    for line in rest {
                        if indent == usize::MAX {
                            indent = pytext::char_len(key) + 2 * ws.len() + 1;
                        }
                        push_spaces(out, indent);
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
            out.push('\n');
        }
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
        let index = match self
            .section_index
            .find(hash, |&i| sections[i as usize].name == name)
        {
            Some(&i) => i,
            None => {
                let i = self.sections.len() as u32;
                self.sections.push(Section {
                    name,
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
            k.section == section && k.name == key
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

fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

/// Merges `sources` (name, text) in order and writes the result.
///
/// ```
/// let out = kolla_core::config::merge_texts(
///     [("a", "[a]\nk=1\nk=2\nj=0\n"), ("b", "[a]\nk=3\nn=9\n")],
///     true,
/// )?;
/// assert_eq!(out, "[a]\nk = 3\nj = 0\nn = 9\n\n");
///
/// let err = kolla_core::config::merge_texts([("a", "[a]\nk=v\n"), ("b", "[b]\nbad\n")], true)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "b:2: at line 2, No ':' or '=' found in assignment: 'bad'");
/// # Ok::<(), kolla_core::config::Error>(())
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
