//! Reads regal.yml and checks it, giving a [`Strategy`] that the planner can trust.

pub mod block_yaml;
pub mod file;
mod shaped;
pub mod validate;

use crate::error::{Problem, ProblemKind};
use crate::external::ExternalHosts;
use crate::tree;
use crate::verify::Verify;
use crate::yaml11;
use file::{Order, Size, Vars};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::num::NonZeroU32;
use std::sync::Arc;

/// A checked strategy: every version has hosts, every host is listed once.
/// Host names borrow from the text it was read from (`'s`) where they can.
#[derive(Debug, Clone)]
pub struct Strategy<'s> {
    /// Vars of group `all`.
    pub vars: Vars,
    /// The versions in file order.
    pub versions: Vec<Version<'s>>,
    /// Indices into `versions` of the prioritised ones, in priority order.
    pub priority: Vec<usize>,
}

/// One version and everything needed to batch it.
#[derive(Debug, Clone)]
pub struct Version<'s> {
    /// The name as written.
    pub name: String,
    /// The Ansible group name.
    pub group: String,
    pub vars: Vars,
    /// Hosts to roll out, in file order.
    pub hosts: Vec<Host<'s>>,
    /// Hosts kept out of every batch, in file order.
    pub excluded: Vec<Host<'s>>,
    /// The `hosts_from` pattern, when the hosts come from earlier inventory
    /// sources; their vars then stay with those sources.
    pub hosts_from: Option<String>,
    /// Whether every host name, kept or excluded, is made of letters, digits
    /// and `.-_:]` only, as the reading of the names found: JSON then takes
    /// each as it is, and a million names need not be checked for escapes twice
    /// more when the inventory is written. False when not known.
    pub plain_names: bool,
    /// The own vars of its hosts, kept and excluded.
    pub host_vars: HostVarsText<'s>,
    pub rollout: Rollout,
}

/// One host and its own vars.
#[derive(Debug, Clone, PartialEq)]
pub struct Host<'s> {
    /// Borrowed from the strategy's text when read in place: at a million hosts,
    /// a copy of each name would cost more memory than the rest of the host.
    pub name: Cow<'s, str>,
    /// Its own vars: an entry of its version's [`HostVarsText`] (hosts of one
    /// range share theirs); `None` for a host without vars.
    pub vars: Option<VarsId>,
    /// Its failure domain, for a version with `spread` / `domain_at_a_time`:
    /// the label as written, numbered from 1 in the order the version's hosts
    /// first give each label (0: none). Labels are compared as written, not as
    /// the values they resolve to: `1.10` and `1.1`, `true` and `'true'` are
    /// two domains. Held in room the name and vars leave: a host stays 32 bytes.
    pub domain: u32,
}

const _: () = assert!(std::mem::size_of::<Host>() <= 32);

impl Version<'_> {
    /// The vars regal-inventory gives `host` of this version, as JSON text:
    /// none for hosts from earlier inventory sources, whose vars stay with
    /// those sources.
    pub fn own_vars(&self, host: &Host) -> Option<Cow<'_, str>> {
        self.own_vars_id(host).map(|id| self.host_vars.get(id))
    }

    /// Which of [`Version::host_vars`] are the vars of `host` (see
    /// [`Version::own_vars`]).
    pub fn own_vars_id(&self, host: &Host) -> Option<VarsId> {
        match self.hosts_from {
            Some(_) => None,
            None => host.vars,
        }
    }
}

/// Which entry of a [`HostVarsText`] a host's vars are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarsId(NonZeroU32);

/// The own vars of a version's hosts, as JSON text exactly as `serde_json`
/// writes that map. At a million hosts with a var each, a map of its own per
/// host (a `serde_json::Map` in a box) cost about 230 bytes a host; this
/// costs 4 bytes a host more than the host list read from the source. What
/// needs one var (failure-domain labels) reads it from the text
/// ([`HostVarsText::var`]).
///
/// - A host entry of a compact host list whose vars are all scalars as
///   written that ansible-core reads (`- web1: {zone: a}`), or hold
///   untagged lists and mappings besides that the validator read without a
///   problem (`ports: [http: 8080]`), is kept as its entry in that list
///   ([`tree::HostSeq`], which the strategy then holds) and written as JSON
///   from the source when asked for ([`HostVarsText::write`]; a value
///   kept by its shape from its model's plan, `shaped_json`, any other
///   nested value by `validate::push_kept_value`): no copy of it is made
///   while the strategy is read.
/// - Any other host's vars are rendered once, when the strategy is read;
///   the texts lie one after another in one string.
///
/// Hosts often carry the same vars (a zone, a rack, a role): hosts whose vars
/// are written alike share one entry (the validator finds them by the text
/// they are written as), so such a fleet costs little more than its names.
#[derive(Debug, Clone, Default)]
pub struct HostVarsText<'s> {
    text: String,
    /// Where each entry ends in `text`.
    ends: Vec<usize>,
    /// The host list whose entries the ids with [`WRITTEN`] set number.
    written: Option<Arc<tree::HostSeq<'s>>>,
    /// Whether [`HostVarsText::reserve_once`] made room.
    reserved: bool,
}

/// Set in the id of a host entry kept as written: the rest is its number,
/// and [`STRINGS`].
const WRITTEN: u32 = 1 << 31;

/// Set in the id of a host entry kept as written whose values are all read
/// as strings (known when it was read).
const STRINGS: u32 = 1 << 30;

impl<'s> HostVarsText<'s> {
    /// The JSON text of entry `id`: an object with at least one var.
    pub fn get(&self, id: VarsId) -> Cow<'_, str> {
        match self.written_entry(id) {
            Some(k) => {
                let mut text = String::new();
                self.render(k, &mut text, &mut shaped::KeptScratch::once());
                Cow::Owned(text)
            }
            None => Cow::Borrowed(self.rendered(id)),
        }
    }

    /// Writes the JSON text of entry `id` to `w`, through `scratch` for an
    /// entry kept as written whose values are not all strings.
    pub fn write<W: std::io::Write>(
        &self,
        id: VarsId,
        w: &mut W,
        scratch: &mut VarsScratch<'s>,
    ) -> std::io::Result<()> {
        let Some((k, strings)) = self.written_entry(id) else {
            return w.write_all(self.rendered(id).as_bytes());
        };
        let seq = self.written.as_ref().expect("entries kept with their list");
        let src = seq.src;
        // The usual host entry (`{ansible_host: 10.0.0.1}`, `{zone: z1,
        // port: 1}`): written as `render` writes it (the same bytes: a test
        // compares them), made whole in `scratch` and written at once where
        // its values need no escape and no value built, else piece by piece.
        if let Some(spans) = seq.entry_spans(k) {
            let bytes = scratch.bytes();
            return match usual_json(src, spans, strings, bytes) {
                Some(len) => w.write_all(&bytes[..len]),
                None => {
                    let pairs = self.entry_pairs(k);
                    let vars = pairs.scalars().expect("no value kept as a node");
                    write_scalars(vars, strings, w)
                }
            };
        }
        let pairs = self.entry_pairs(k);
        // An entry with values kept by their shape (`ports: [http: 8081]`):
        // made whole in `scratch` from their models' plans, where each value
        // has one that writes it (a test compares the bytes), else rendered.
        match shaped_json(src, &pairs, strings, scratch.bytes_and_plans()) {
            Some(len) => w.write_all(&scratch.bytes[..len]),
            None => {
                scratch.text.clear();
                self.render((k, strings), &mut scratch.text, &mut scratch.kept);
                w.write_all(scratch.text.as_bytes())
            }
        }
    }

    /// The vars of host entry `k` of the list kept.
    fn entry_pairs(&self, k: usize) -> tree::HostPairs<'_, 's> {
        let seq = self.written.as_ref().expect("entries kept with their list");
        seq.entry_vars(k).expect("an entry of the list")
    }

    /// The number of the host entry kept as written that `id` is, and
    /// whether its values are all strings.
    fn written_entry(&self, id: VarsId) -> Option<(usize, bool)> {
        let id = id.0.get();
        let k = (id & !(WRITTEN | STRINGS)) as usize;
        (id & WRITTEN != 0).then_some((k, id & STRINGS != 0))
    }

    fn rendered(&self, id: VarsId) -> &str {
        let index = id.0.get() as usize - 1;
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[index]]
    }

    /// Host entry `k` of the list kept, as `serde_json` writes its vars;
    /// `strings`: its values are all strings. Values kept as nodes are
    /// written through `kept`.
    fn render(
        &self,
        (k, strings): (usize, bool),
        out: &mut String,
        kept: &mut shaped::KeptScratch<'s>,
    ) {
        let pairs = self.entry_pairs(k);
        for (index, (key, value)) in pairs.written().enumerate() {
            // A var name, checked when read: nothing in it to escape.
            out.push_str(if index == 0 { "{\"" } else { ",\"" });
            out.push_str(key.value);
            out.push_str("\":");
            match value {
                tree::WrittenValue::Scalar(value) if strings => {
                    validate::push_json_str(out, value.value)
                }
                tree::WrittenValue::Scalar(value) => {
                    validate::push_written_value(out, &value).expect("read when kept")
                }
                tree::WrittenValue::Node(value) => shaped::push_kept(out, &value, kept),
            }
        }
        out.push('}');
    }

    /// Var `name` of entry `id`, as JSON text, if the entry has it.
    pub fn var(&self, id: VarsId, name: &str) -> Option<Box<RawValue>> {
        var_in(&self.get(id), name).map(RawValue::to_owned)
    }

    /// Var `name` of `host`, if it has it.
    pub fn host_var(&self, host: &Host, name: &str) -> Option<Box<RawValue>> {
        self.var(host.vars?, name)
    }

    /// Host entry `k` of `seq` (see [`tree::HostSeq::entry_vars`]), kept
    /// as written (`strings`: its values are all read as strings): its id,
    /// or `None` when it cannot be (vars of another list kept already).
    pub fn written(
        &mut self,
        seq: &Arc<tree::HostSeq<'s>>,
        k: usize,
        strings: bool,
    ) -> Option<VarsId> {
        let kept = self.written.get_or_insert_with(|| Arc::clone(seq));
        let k = u32::try_from(k).ok();
        let k = k.filter(|&k| k < STRINGS && Arc::ptr_eq(kept, seq))?;
        let strings = if strings { STRINGS } else { 0 };
        NonZeroU32::new(k | WRITTEN | strings).map(VarsId)
    }

    /// Entry `id` rendered (itself when it is): for vars that several hosts
    /// share, written once rather than at each host.
    pub fn rendered_once(&mut self, id: VarsId) -> VarsId {
        let Some(entry) = self.written_entry(id) else {
            return id;
        };
        let mut text = std::mem::take(&mut self.text);
        let start = text.len();
        self.render(entry, &mut text, &mut shaped::KeptScratch::once());
        self.text = text;
        self.finish(start).expect("a host entry has vars")
    }

    /// The text to append an entry to: call [`HostVarsText::finish`] with
    /// the length it had before, once the object is written.
    pub fn text(&mut self) -> &mut String {
        &mut self.text
    }

    /// Ends the entry written from `start` on: its id, or `None` (and the
    /// text taken back) when it is `{}` or nothing.
    pub fn finish(&mut self, start: usize) -> Option<VarsId> {
        if self.text.len() <= start + 2 {
            self.text.truncate(start);
            return None;
        }
        self.ends.push(self.text.len());
        // At most one entry per host, and hosts are bounded far below 2^31.
        let id = u32::try_from(self.ends.len()).expect("fewer than 2^31 hosts");
        assert!(id < WRITTEN, "fewer than 2^31 hosts");
        Some(VarsId(NonZeroU32::new(id).expect("counted from 1")))
    }

    /// Appends the entries of `tail`, read from the same host list after
    /// this one's: the id each of them has here is what the function given
    /// back makes of its id there (an entry kept as written keeps its id,
    /// which numbers it in the list; a rendered one is numbered after this
    /// one's).
    pub fn append(&mut self, tail: HostVarsText<'s>) -> impl Fn(VarsId) -> VarsId + use<'s> {
        match (&self.written, tail.written) {
            (Some(head), Some(tail)) => assert!(Arc::ptr_eq(head, &tail), "one host list"),
            (None, written) => self.written = written,
            (Some(_), None) => {}
        }
        let (entries, text) = (self.ends.len() as u32, self.text.len());
        self.text.push_str(&tail.text);
        self.ends.extend(tail.ends.iter().map(|end| end + text));
        assert!(self.ends.len() < WRITTEN as usize, "fewer than 2^31 hosts");
        move |id| match id.0.get() {
            id if id & WRITTEN != 0 => VarsId(NonZeroU32::new(id).expect("an id")),
            id => VarsId(NonZeroU32::new(id + entries).expect("counted from 1")),
        }
    }

    /// Adds `vars` (from earlier inventory sources): its id, `None` when empty.
    pub fn push(&mut self, vars: &Vars) -> Option<VarsId> {
        let start = self.text.len();
        if !vars.is_empty() {
            let json = serde_json::to_string(vars).expect("a JSON map renders");
            self.text.push_str(&json);
        }
        self.finish(start)
    }

    /// Makes room for `entries` more rendered entries of `text` bytes in all
    /// (`room`), once: the first time it is asked to. (Only then is `room`
    /// found: at 1M host entries kept as written, a pass over all of them
    /// for nothing.)
    pub fn reserve_once(&mut self, room: impl FnOnce() -> (usize, usize)) {
        if !std::mem::replace(&mut self.reserved, true) {
            let (entries, text) = room();
            self.ends.reserve(entries);
            self.text.reserve(text);
        }
    }

    /// Frees the room grown past the text: a string grown by appending keeps
    /// up to twice its length.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// [`HostVarsText::render`] of a host entry whose values are all scalars as
/// written (`vars`; `strings`: all strings), straight to `w`.
fn write_scalars<'s, W: std::io::Write>(
    vars: impl Iterator<Item = (tree::Written<'s>, tree::Written<'s>)>,
    strings: bool,
    w: &mut W,
) -> std::io::Result<()> {
    let mut open: &[u8] = b"{\"";
    for (key, value) in vars {
        // A var name, checked when read: nothing in it to escape.
        w.write_all(open)?;
        open = b",\"";
        w.write_all(key.value.as_bytes())?;
        w.write_all(b"\":")?;
        let kind = match strings {
            true => validate::WrittenKind::Str,
            false => validate::written_kind(&value),
        };
        match kind {
            validate::WrittenKind::Str => write_json_str(w, value.value)?,
            validate::WrittenKind::Verbatim => w.write_all(value.value.as_bytes())?,
            validate::WrittenKind::Unsafe => {
                w.write_all(b"{\"__ansible_unsafe\":")?;
                write_json_str(w, value.value)?;
                w.write_all(b"}")?;
            }
            validate::WrittenKind::Typed(typed) => {
                let value = typed.construct(value.value).expect("read when kept");
                serde_json::to_writer(&mut *w, &value)?;
            }
        }
    }
    w.write_all(b"}")
}

/// How many bytes of a window [`usual_json`] copies a short text as.
const WINDOW: usize = 16;

/// What [`write_scalars`] writes for a host entry whose values are all
/// untagged plain or quoted scalars (`vars`; `strings`: all strings), made
/// in `out`: its length. `None` (what `out` holds then is of no use) where a
/// value is a string with a byte to escape, is of a type whose value is
/// built (`1.5`, `yes`), or is no such scalar, or where the entry does not
/// fit `out`. Each text is copied without a call, a short one as a window
/// of [`WINDOW`] bytes of the source (`out` holds room for the bytes past
/// it); var names are checked when read, with nothing in them to escape. At
/// a million hosts of three vars, the calls of writing each piece were
/// about half of writing the inventory.
fn usual_json(
    src: &str,
    vars: impl Iterator<Item = tree::VarSpans>,
    strings: bool,
    out: &mut [u8],
) -> Option<usize> {
    let mut entry = EntryBytes { out, at: 0 };
    for (index, var) in vars.enumerate() {
        let style = var.value_style?;
        let len = (var.value.end - var.value.start) as usize;
        let str = strings || style != tree::Style::Plain;
        if !(entry.key(src, var.key, index == 0)
            && entry.own_text(src, (var.value.start(), len), str))
        {
            return None;
        }
    }
    Some(entry.close())
}

/// [`HostVarsText::render`] of a host entry kept as written whose values
/// kept as nodes are each of a model whose plan writes it
/// ([`shaped::ShapePlan::write_to`]: the model's text between the pieces
/// it writes, its own scalars between them), made in `out` as
/// [`usual_json`] makes an entry: its length. `None` (what `out` holds then
/// is of no use) where `usual_json` would give none for a scalar, a value
/// is its model or has no such plan, or the entry does not fit `out`.
fn shaped_json<'s>(
    src: &'s str,
    pairs: &tree::HostPairs<'_, 's>,
    strings: bool,
    (out, plans): (&mut [u8], &mut shaped::ShapePlans<'s>),
) -> Option<usize> {
    let mut entry = EntryBytes { out, at: 0 };
    for (index, (var, kept)) in pairs.spans_kept().enumerate() {
        if !entry.key(src, var.key, index == 0) {
            return None;
        }
        let written = match (kept, var.value_style) {
            (Some(value), _) => plans
                .of(&value)
                .is_some_and(|plan| plan.writes() && plan.write_to(&mut entry, &value)),
            (None, Some(style)) => {
                let len = (var.value.end - var.value.start) as usize;
                let str = strings || style != tree::Style::Plain;
                entry.own_text(src, (var.value.start(), len), str)
            }
            // A block scalar, a tagged one.
            (None, None) => false,
        };
        if !written {
            return None;
        }
    }
    Some(entry.close())
}

/// An entry that [`usual_json`] or [`shaped_json`] makes, and where it is in it.
struct EntryBytes<'o> {
    out: &'o mut [u8],
    at: usize,
}

impl EntryBytes<'_> {
    /// The `len` bytes from where the entry is on, where it has room for
    /// them (each piece asks for its bytes and a window past them at once:
    /// what is written in them then needs no check of its own).
    #[inline(always)]
    fn room(&mut self, len: usize) -> Option<&mut [u8]> {
        self.out.get_mut(self.at..self.at + len)
    }

    /// `{"` (the `first` var) or `,"`, then the name at `key` in `src` (a
    /// var name, checked when read: nothing in it to escape) and `":`, where
    /// the entry has room for them: whether they were written.
    #[inline(always)]
    fn key(&mut self, src: &str, key: tree::Span, first: bool) -> bool {
        let len = (key.end - key.start) as usize;
        let Some(room) = self.room(len + 4 + WINDOW) else {
            return false;
        };
        room[..2].copy_from_slice(if first { b"{\"" } else { b",\"" });
        copy_text(&mut room[2..], src.as_bytes(), (key.start(), len));
        room[2 + len..4 + len].copy_from_slice(b"\":");
        self.at += len + 4;
        true
    }

    /// Ends the entry with `}` (room for it is kept: a window past each
    /// piece): its length.
    fn close(self) -> usize {
        self.out[self.at] = b'}';
        self.at + 1
    }

    /// Writes the JSON of a scalar whose text is the `len` bytes of `src`
    /// from `from` on (`str`: read as a string, else a plain scalar
    /// resolved), where the entry has room for it: whether it was written
    /// (not a string with a byte to escape, nor a value of a type whose
    /// value is built: see [`usual_json`]).
    #[inline(always)]
    fn own_text(&mut self, src: &str, (from, len): (usize, usize), str: bool) -> bool {
        let kind = match str {
            true => yaml11::Plain::Str,
            false => yaml11::classify_in(src, from..from + len),
        };
        let Some(room) = self.room(len + 2 + WINDOW) else {
            return false;
        };
        let bytes = src.as_bytes();
        self.at += match kind {
            yaml11::Plain::Str => {
                room[0] = b'"';
                let plain = match copy_text(&mut room[1..], bytes, (from, len)) {
                    Some(window) => window_plain(window, len),
                    None => validate::json_bytes_plain(&bytes[from..from + len]),
                };
                if !plain {
                    return false;
                }
                room[1 + len] = b'"';
                len + 2
            }
            yaml11::Plain::Verbatim => {
                copy_text(room, bytes, (from, len));
                len
            }
            yaml11::Plain::Typed(_) => return false,
        };
        true
    }
}

// A piece of a plan's whole text up to a window long is copied as one.
const _: () = assert!(shaped::PAD == WINDOW);

impl shaped::PlanOut for EntryBytes<'_> {
    #[inline(always)]
    fn piece(&mut self, whole: &str, from: usize, to: usize) -> bool {
        let len = to - from;
        let Some(room) = self.room(len + WINDOW) else {
            return false;
        };
        copy_text(room, whole.as_bytes(), (from, len));
        self.at += len;
        true
    }

    #[inline(always)]
    fn own(
        &mut self,
        src: &str,
        span: tree::Span,
        style: tree::Style,
        decoded: Option<&str>,
    ) -> bool {
        let str = style != tree::Style::Plain;
        match decoded {
            Some(value) => self.own_text(value, (0, value.len()), str),
            None => {
                let text = tree::inside(span, style);
                let len = (text.end - text.start) as usize;
                self.own_text(src, (text.start(), len), str)
            }
        }
    }
}

/// Copies the `len` bytes of `src` from `from` on to the start of `room`,
/// which has room for a window of [`WINDOW`] bytes past them: a text up to
/// that long as that window of `src`, if `src` holds it (a fixed-size copy,
/// without a call). The window copied, if it was.
#[inline(always)]
fn copy_text<'a>(
    room: &mut [u8],
    src: &'a [u8],
    (from, len): (usize, usize),
) -> Option<&'a [u8; WINDOW]> {
    let window = src.get(from..from + WINDOW).filter(|_| len <= WINDOW);
    let window: Option<&[u8; WINDOW]> = window.map(|w| w.try_into().expect("a window"));
    match window {
        Some(window) => room[..WINDOW].copy_from_slice(window),
        None => room[..len].copy_from_slice(&src[from..from + len]),
    }
    window
}

/// [`validate::json_bytes_plain`] of the first `len` bytes of `window`
/// (`len` at most [`WINDOW`]): no byte below 0x20, `"` or `\\`. Each byte is
/// tested on its own and the answers kept as a byte each, which the
/// compiler makes a few vector compares of the whole window; then only the
/// first `len` answers are looked at.
#[inline]
fn window_plain(window: &[u8; WINDOW], len: usize) -> bool {
    let mut escaped = [0u8; WINDOW];
    for (flag, &byte) in escaped.iter_mut().zip(window) {
        let escape = (byte < 0x20) | (byte == b'"') | (byte == b'\\');
        *flag = if escape { 0xff } else { 0 };
    }
    u128::from_le_bytes(escaped) & FIRST_BYTES[len] == 0
}

/// The first `n` bytes of a `u128` read from 16 bytes, little-endian: a
/// mask that keeps what a text of `n` bytes at the start of a window of
/// them says (`FIRST_BYTES[n]`).
const FIRST_BYTES: [u128; WINDOW + 1] = {
    let mut masks = [0; WINDOW + 1];
    let mut n = 1;
    while n <= WINDOW {
        masks[n] = u128::MAX >> (8 * (WINDOW - n));
        n += 1;
    }
    masks
};

/// `text` as a JSON string to `w`, as [`validate::push_json_str`] writes it.
fn write_json_str<W: std::io::Write>(w: &mut W, text: &str) -> std::io::Result<()> {
    match validate::json_str_plain(text) {
        true => {
            w.write_all(b"\"")?;
            w.write_all(text.as_bytes())?;
            w.write_all(b"\"")
        }
        false => Ok(serde_json::to_writer(w, text)?),
    }
}

/// What [`HostVarsText::write`] writes an entry kept as written through.
#[derive(Debug, Default)]
pub struct VarsScratch<'s> {
    text: String,
    kept: shaped::KeptScratch<'s>,
    /// Where [`usual_json`] makes an entry.
    bytes: Vec<u8>,
}

impl<'s> VarsScratch<'s> {
    /// How long an entry [`usual_json`] makes in [`VarsScratch::bytes`]
    /// may be (longer ones are written piece by piece).
    const BYTES: usize = 512;

    fn bytes(&mut self) -> &mut [u8] {
        if self.bytes.is_empty() {
            self.bytes = vec![0; Self::BYTES];
        }
        &mut self.bytes
    }

    /// [`VarsScratch::bytes`], and the plans of values kept by their shape.
    fn bytes_and_plans(&mut self) -> (&mut [u8], &mut shaped::ShapePlans<'s>) {
        self.bytes();
        (&mut self.bytes, &mut self.kept.plans)
    }
}

/// Var `name` of the JSON object `json`, as the JSON text of its value.
fn var_in<'j>(json: &'j str, name: &str) -> Option<&'j RawValue> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Find<'n>(&'n str);
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                if found.is_none() && key == self.0 {
                    found = Some(map.next_value::<&'de RawValue>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut reader = serde_json::Deserializer::from_str(json);
    reader.deserialize_map(Find(name)).expect("rendered JSON")
}

/// How one version is cut into batches, all defaults resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    /// The size of each batch in turn; the last one repeats. `[schedule, combine]`
    /// when written that way.
    pub sizes: Vec<Size>,
    pub order: Order,
    pub salt: String,
    pub domains: Option<Domains>,
    pub pause_after_canary: u64,
    pub pause_between_batches: u64,
    pub confirm_after_canary: bool,
    pub canary_vars: Vars,
    pub batch_vars: Vars,
    /// Health checks of each batch and the bake after it.
    pub verify: Verify,
}

impl Rollout {
    /// Seconds to wait after batch `index` (0: none); batch 0 is the canary.
    pub fn pause_after(&self, index: usize) -> u64 {
        if index == 0 {
            self.pause_after_canary
        } else {
            self.pause_between_batches
        }
    }

    /// Whether to ask the operator after batch `index`.
    pub fn confirm_after(&self, index: usize) -> bool {
        index == 0 && self.confirm_after_canary
    }
}

/// Failure-domain handling, by the name of the host var that labels the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Domains {
    /// Every batch draws from all domains, round-robin.
    Spread(String),
    /// Each batch stays inside one domain; domains one after another.
    OneAtATime(String),
}

impl Domains {
    /// The host var naming the domain.
    pub fn label(&self) -> &str {
        match self {
            Domains::Spread(label) | Domains::OneAtATime(label) => label,
        }
    }
}

/// The duplicate check hashes two halves at once from this many hosts. Low
/// under tests and fuzzing, so that these take that way too.
const HALVES_FROM_HOSTS: usize = if cfg!(any(test, fuzzing)) { 2 } else { 1 << 16 };

/// At most this many problems are reported one by one.
const MAX_PROBLEMS: usize = 100;

/// Where versions written with `hosts_from` get their hosts.
#[derive(Debug, Clone, Copy)]
pub enum HostsFrom<'e> {
    /// Nowhere (a plain script inventory): `hosts_from` is a problem.
    Unavailable,
    /// Not known here (`check` without `--external-hosts`): such versions get
    /// no hosts, and the rules about their hosts are not checked.
    Unchecked,
    /// The hosts of earlier inventory sources.
    External(&'e ExternalHosts),
}

/// Reads and checks a strategy from the text of a regal.yml. Host names that
/// are not their text as written (escapes) are copied; [`parse_with`] keeps
/// them in a [`tree::Texts`] instead.
pub fn parse(source: &str) -> Result<Strategy<'_>, Vec<Problem>> {
    parse_as(source, None, HostsFrom::Unavailable, true)
}

/// Reads and checks a strategy, taking `hosts_from` hosts from `hosts_from`:
/// the source becomes one [`tree`] (by the fast reader where it can, else by
/// the event parser), which [`validate`] walks once. Host names borrow from
/// `source`, or from `texts` where they are not their text as written.
pub fn parse_with<'s>(
    source: &'s str,
    texts: &'s tree::Texts,
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Vec<Problem>> {
    parse_as(source, Some(texts), hosts_from, true)
}

/// [`parse_with`] by the validator's reference path for host lists (see
/// [`validate::validate_as`]): what the fast paths must give. Names that are
/// not their text as written are copied, as [`parse`] does.
pub fn parse_by_reference<'s>(
    source: &'s str,
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Vec<Problem>> {
    parse_as(source, None, hosts_from, false)
}

fn parse_as<'s>(
    source: &'s str,
    texts: Option<&'s tree::Texts>,
    hosts_from: HostsFrom,
    fast: bool,
) -> Result<Strategy<'s>, Vec<Problem>> {
    parse_known(source, texts, hosts_from, fast, false)
}

/// [`parse_as`], told whether `source` is known to be all printable ASCII,
/// tab, LF and CR ([`printable_text`]): then no character of it is looked for
/// again.
fn parse_known<'s>(
    source: &'s str,
    texts: Option<&'s tree::Texts>,
    hosts_from: HostsFrom,
    fast: bool,
    printable: bool,
) -> Result<Strategy<'s>, Vec<Problem>> {
    let located = |at: usize, kind: ProblemKind| {
        vec![Problem {
            location: Some(validate::locate(source, at)),
            kind,
        }]
    };
    if source[tree::bom_len(source)..].trim().is_empty() {
        return Err(vec![Problem {
            location: None,
            kind: ProblemKind::EmptyFile,
        }]);
    }
    if source.len() > tree::MAX_SOURCE {
        return Err(located(0, ProblemKind::TooLarge));
    }
    // YAML 1.1 (ansible-core's reader) and YAML 1.2 (the event parser) do not
    // agree whether these are line breaks: refused, so that no name is read
    // from another line than the operator sees.
    if !printable && let Some((at, c)) = unreadable_char(source) {
        let code = c as u32;
        let kind = match c {
            '\u{85}' | '\u{2028}' | '\u{2029}' => ProblemKind::AmbiguousLineBreak { code },
            _ => ProblemKind::NotPrintable { code },
        };
        return Err(located(at, kind));
    }
    // The fast reader, or the error it found (the event parser's, read from
    // where it gave up), or the event parser on the whole file. The fast
    // reader leaves to the event parser the characters refused above, and
    // so need not look for them again.
    let mut root = match block_yaml::read_or_error_of_checked(source) {
        Ok(root) => root,
        Err(found) => match found.map_or_else(|| tree::parse(source), Err) {
            Ok(Some(root)) => root,
            Ok(None) => {
                return Err(vec![Problem {
                    location: None,
                    kind: ProblemKind::EmptyFile,
                }]);
            }
            Err(error) => {
                let kind = validate::syntax_problem(source, error.at, error.message);
                return Err(located(error.at, kind));
            }
        },
    };
    if let Some(texts) = texts {
        root.keep_decoded(texts);
    }
    validate::validate_as(source, &root, hosts_from, fast)
}

/// The first character no YAML reader takes as it is: a control character
/// (but tab, LF and CR) or another character YAML 1.1 does not allow, or one
/// of the line breaks that YAML 1.1 and 1.2 read differently (NEL, U+2028,
/// U+2029). One pass over the bytes for nearly every file.
fn unreadable_char(source: &str) -> Option<(usize, char)> {
    let body = &source[tree::bom_len(source)..];
    if printable_ascii(body.as_bytes()) {
        return None;
    }
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
            || c >= '\u{10000}'
    };
    let base = source.len() - body.len();
    (body.char_indices())
        .find(|&(_, c)| !printable(c))
        .map(|(at, c)| (base + at, c))
}

/// Whether `bytes` are all printable ASCII, tab, LF or CR (nearly every
/// strategy): one pass, whole vectors of bytes at a time (one compare for
/// below a space or past `~`), where a control check and `is_ascii` were
/// two (at 1M host entries of 130 bytes, a tenth of `check`'s user time).
fn printable_ascii(bytes: &[u8]) -> bool {
    let odd = |b: u8| (b.wrapping_sub(b' ') >= 0x5F) & (b != b'\t') & (b != b'\n') & (b != b'\r');
    let mut chunks = bytes.chunks_exact(64);
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |seen, &b| seen | odd(b)) {
            return false;
        }
    }
    !chunks.remainder().iter().any(|&b| odd(b))
}

/// A source of this many bytes is looked at in two halves at once by
/// [`printable_text`]. Low under tests and fuzzing, so that these take that
/// way too.
const PRINTABLE_HALVES_FROM: usize = if cfg!(any(test, fuzzing)) {
    16
} else {
    1 << 20
};

/// `bytes` as text when they are all printable ASCII, tab, LF or CR, as
/// nearly every strategy is: then they are UTF-8 without a check of their
/// own, and no character of them need be looked for again
/// ([`unreadable_char`]). One pass instead of three over a file of 90 MB
/// (about 20 ms), and in two halves at once from [`PRINTABLE_HALVES_FROM`]
/// bytes on. None for any other source, which is then checked the usual way.
fn printable_text(bytes: &[u8]) -> Option<&str> {
    let printable = if bytes.len() >= PRINTABLE_HALVES_FROM {
        let (a, b) = bytes.split_at(bytes.len() / 2);
        let (a, b) = crate::parallel::join(|| printable_ascii(a), || printable_ascii(b));
        a && b
    } else {
        printable_ascii(bytes)
    };
    printable.then(|| {
        debug_assert!(std::str::from_utf8(bytes).is_ok());
        // SAFETY: every byte is ASCII (`printable_ascii`), and ASCII is UTF-8.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    })
}

/// Reads and checks a strategy from bytes as [`parse_with`], reporting
/// invalid UTF-8 by position.
pub fn parse_bytes_with<'s>(
    bytes: &'s [u8],
    texts: &'s tree::Texts,
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Vec<Problem>> {
    if let Some(source) = printable_text(bytes) {
        return parse_known(source, Some(texts), hosts_from, true, true);
    }
    match std::str::from_utf8(bytes) {
        Ok(source) => parse_with(source, texts, hosts_from),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid up to here");
            Err(vec![Problem {
                location: Some(validate::locate(valid, valid.len())),
                kind: ProblemKind::NotUtf8,
            }])
        }
    }
}

/// A fast 64-bit hash of a host name, to screen for duplicates (not for order,
/// nor anything kept). Eight bytes per step, each step a bijection of the state,
/// so names of one length that differ only within one step never collide; a
/// final mix spreads the bits. Not keyed: crafted collisions only make the text
/// compare that follows see more names.
fn name_hash(name: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |hash: u64, word: u64| (hash ^ word).wrapping_mul(K).rotate_left(29);
    let word = |at: &[u8]| u64::from_le_bytes(at[..8].try_into().expect("8 bytes"));
    let bytes = name.as_bytes();
    let mut hash = bytes.len() as u64;
    if let Some(last) = bytes.len().checked_sub(8) {
        // Whole words, then the last eight bytes, overlapping the word before
        // rather than copying a remainder (which cost a call to memcpy).
        for at in (0..last).step_by(8) {
            hash = mix(hash, word(&bytes[at..]));
        }
        hash = mix(hash, word(&bytes[last..]));
    } else {
        hash = mix(hash, bytes.iter().fold(0, |w, &b| w << 8 | u64::from(b)));
    }
    // MurmurHash3's finalizer.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The values found more than once in the sorted runs `a` and `b` together,
/// sorted, each once: each run is checked within itself, and both are walked
/// together for values they share (as a merge would, without building one).
fn repeated(a: &[u64], b: &[u64]) -> Vec<u64> {
    let within = |run: &'_ [u64]| -> Vec<u64> {
        (run.windows(2).filter(|pair| pair[0] == pair[1]))
            .map(|pair| pair[0])
            .collect()
    };
    let mut found = [within(a), within(b)].concat();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x == y {
            found.push(x);
        }
        // Without branches: the order of random hashes cannot be predicted.
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// What makes a version name unusable, if anything.
fn version_name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("is empty; give the version a name")
    } else if file::has_jinja(name) {
        Some(
            "contains a Jinja marker (`{{`, `{%` or `{#`), which Ansible would run as a template on the controller; remove it",
        )
    } else if name.chars().any(char::is_control) {
        Some("contains a control character; remove it")
    } else {
        None
    }
}

/// The Ansible group name for a version name: every character outside
/// `[A-Za-z0-9_]` becomes `_`, and a leading digit gets a `_` in front.
pub fn group_name_for(version: &str) -> String {
    let mut group: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if group.starts_with(|c: char| c.is_ascii_digit()) {
        group.insert(0, '_');
    }
    group
}

/// For `x_batch3` or `x_excluded`, the `x` they would belong to, and the
/// batch number. Only the numbers regal-inventory writes: `x_batch01` is no
/// batch group (and `x_excluded` only one when `x` excludes hosts).
fn derived_group_stem(group: &str) -> Option<(&str, Option<usize>)> {
    if let Some(stem) = group.strip_suffix("_excluded") {
        return Some((stem, None));
    }
    let (stem, number) = group.rsplit_once("_batch")?;
    let canonical = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && (number == "0" || !number.starts_with('0'));
    canonical.then(|| (stem, Some(number.parse().unwrap_or(usize::MAX))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<String> {
        parse(source)
            .unwrap_err()
            .iter()
            .map(|p| p.at(std::path::Path::new("r.yml")).to_string())
            .collect()
    }

    /// The validator's shortcuts for host entries, each checked against its
    /// reference path (`parse_by_reference`): vars written as the entry
    /// before's (shared without a lookup), var names as the last entry's
    /// with nothing to report (not checked again), in runs of entries
    /// written alike, names that change, repeat, come in another order, or
    /// have something to report, values that are strings, numbers, quoted,
    /// lists, or refused. The same inventory, or the same problems.
    #[test]
    fn host_entries_alike_and_names_as_before_read_as_the_reference_reads_them() {
        let names: [&[&str]; 10] = [
            &["zone"],
            &["zone", "rack"],
            &["rack", "zone"],
            &["zone", "zone"],
            &["zone", "regal_x"],
            &["true"],
            &["<<"],
            &["a.b", "zone"],
            &["'zone'", "n"],
            &["zone", "rack", "zone"],
        ];
        // The first two most often; after them every kind of scalar the
        // usual entries are written whole or checked by names as before
        // with (`usual_json`, `validate::same_names_checked`), and some
        // that they leave to the general way.
        let values = [
            "z1",
            "z2",
            "yes",
            "010",
            "'q'",
            "[a]",
            "1e3",
            "10.0.0.1",
            "2001-02-30",
            ".inf",
            "8080",
            "0",
            "18446744073709551616",
            "-7",
            "true",
            "null",
            "~",
            "\"t\\x\"",
            "'it\"s'",
            "a\"b",
            "a\\b",
            "é☃",
            "'{{ x }}'",
            "!unsafe 'x'",
            "!!str 7",
            "!vault x",
            "[b, {c: 1}]",
            "1:30",
            "0x1F",
            "''",
            "web-0000001.example.com",
            "a-value-longer-than-sixteen-bytes",
            "\"quoted longer than sixteen bytes\"",
        ];
        let outcome = |read: Result<Strategy, Vec<Problem>>| match read {
            Ok(strategy) => {
                let plan = crate::plan::Plan::new(&strategy);
                let mut written = Vec::new();
                let inventory = crate::inventory::Inventory::new(&plan);
                inventory.write_json(&mut written).unwrap();
                Ok(String::from_utf8(written).unwrap())
            }
            Err(problems) => Err(problems
                .iter()
                .map(|p| p.at(std::path::Path::new("r.yml")).to_string())
                .collect::<Vec<_>>()),
        };
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let (mut oks, mut errs) = (0, 0);
        for _ in 0..300 {
            let mut source = String::from("versions:\n  app:\n");
            let mut host = 0;
            for _ in 0..1 + next(12) {
                // Mostly fine names and strings, so that most files are valid.
                let keys = names[if next(3) == 0 {
                    next(names.len())
                } else {
                    next(3)
                }];
                let vars: Vec<String> = (keys.iter())
                    .map(|k| {
                        let v = values[if next(4) == 0 {
                            next(values.len())
                        } else {
                            next(2)
                        }];
                        format!("{k}: {v}")
                    })
                    .collect();
                for _ in 0..1 + next(4) {
                    match next(2) {
                        0 => source.push_str(&format!("    - h{host}: {{{}}}\n", vars.join(", "))),
                        _ => {
                            source.push_str(&format!("    - h{host}:\n"));
                            for var in &vars {
                                source.push_str(&format!("        {var}\n"));
                            }
                        }
                    }
                    host += 1;
                }
            }
            let fast = outcome(parse(&source));
            let reference = outcome(parse_by_reference(&source, HostsFrom::Unavailable));
            assert_eq!(fast, reference, "{source}");
            if fast.is_ok() {
                oks += 1;
            } else {
                errs += 1;
            }
        }
        assert!(oks > 30 && errs > 30, "{oks} {errs}");
    }

    /// `window_plain` answers as `json_bytes_plain` does for the first
    /// `len` bytes of a window, whatever the bytes past them: each byte
    /// value at each place, and every pair of bytes.
    #[test]
    fn a_window_is_plain_as_its_first_bytes_are() {
        for fill in [b'a', 0, 0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xff] {
            for len in 0..=WINDOW {
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut window = [fill; WINDOW];
                        window[..len].fill(b'x');
                        window[at] = b;
                        let plain = validate::json_bytes_plain(&window[..len]);
                        assert_eq!(window_plain(&window, len), plain, "{window:?} {len}");
                    }
                }
            }
            for a in 0..=255u8 {
                for b in 0..=255u8 {
                    let mut window = [fill; WINDOW];
                    window[..2].copy_from_slice(&[a, b]);
                    for len in 1..=3 {
                        let plain = validate::json_bytes_plain(&window[..len]);
                        assert_eq!(window_plain(&window, len), plain, "{window:?} {len}");
                    }
                }
            }
        }
    }

    /// `HostVarsText::write` writes a host entry kept as written as its
    /// vars are rendered (`HostVarsText::get`), and `usual_json` takes the
    /// usual ones (which it writes as `write_scalars` writes them), in
    /// block and flow style, quoted keys, texts past a window and at the
    /// end of the source; `HostSeq::entry_spans` gives the spans of
    /// `HostPairs::spans`, each at the text of its key and value as
    /// written.
    #[test]
    fn usual_entries_are_written_whole_as_piece_by_piece() {
        let values = [
            "z1",
            "8080",
            "0",
            "-7",
            "yes",
            "null",
            "1.5",
            "'q\"s'",
            "\"t\"",
            "a\"b",
            "a\\b",
            "é☃",
            "'{{ x }}'",
            "!unsafe 'x'",
            "10.0.0.1",
            "web-0000001.example.com",
            "''",
            "a-value-longer-than-sixteen-bytes",
            "|\n          hi",
            // YAML 1.1 spellings of every type, some built, some verbatim.
            "no",
            "0x1F",
            "1_000",
            "1:30",
            "1e3",
            "+1",
            "2001-12-14",
            "~",
            "true",
            "010",
            "9999999999999999999",
            // Escapes and texts of 16 bytes and about.
            "\"a\\tb\"",
            "\"\\u00e9\"",
            "'it''s'",
            "sixteen-bytes-xx",
            "seventeen-bytes-x",
            "fifteen-bytes-x",
            "\"sixteen-bytes-xx\"",
            "'\\'",
            "\"\\\\\"",
        ];
        let mut source = String::from("versions:\n  app:\n");
        for (i, value) in values.iter().enumerate() {
            source.push_str(&format!("    - f{i}: {{zone: {value}, 'rack': r{i}}}\n"));
            source.push_str(&format!(
                "    - b{i}:\n        zone: z{i}\n        port: {value}\n"
            ));
            // Keys that differ from the last entry's by a byte, more and
            // fewer vars, names of 16 bytes and about.
            source.push_str(&format!(
                "    - k{i}:\n        zonf: z{i}\n        port: {value}\n        rack: r\n"
            ));
            source.push_str(&format!("    - n{i}: {{port: {value}}}\n"));
            source.push_str(&format!(
                "    - l{i}: {{sixteen_bytes_xx: {value}, seventeen_bytes_x: a, 'e_1': b}}\n"
            ));
        }
        source.push_str("    - last: {a_long_var_name_here: x, n: 7}");
        let strategy = parse(&source).unwrap();
        let version = &strategy.versions[0];
        let text = &version.host_vars;
        let mut scratch = VarsScratch::default();
        let (mut usual, mut kept) = (0, 0);
        for host in &version.hosts {
            let id = host.vars.expect("vars on every host");
            let mut whole = Vec::new();
            text.write(id, &mut whole, &mut scratch).unwrap();
            assert_eq!(
                String::from_utf8(whole.clone()).unwrap(),
                text.get(id),
                "{}",
                host.name
            );
            let Some((k, strings)) = text.written_entry(id) else {
                continue;
            };
            let pairs = text.entry_pairs(k);
            let seq = text.written.as_ref().unwrap();
            let spans: Option<Vec<_>> = seq.entry_spans(k).map(Iterator::collect);
            assert_eq!(spans.is_some(), pairs.spans().is_some(), "{}", host.name);
            for (spans, (key, value)) in spans.iter().flatten().zip(pairs.written()) {
                let at = |span: tree::Span| &source[span.start()..span.end as usize];
                assert_eq!(at(spans.key), key.value, "{}", host.name);
                match value {
                    tree::WrittenValue::Scalar(value) if spans.value_style.is_some() => {
                        assert_eq!(spans.value_style, Some(value.style), "{}", host.name);
                        assert_eq!((at(spans.value), value.tag_len), (value.value, 0));
                    }
                    _ => assert!(spans.value_style.is_none(), "{}", host.name),
                }
            }
            let Some(vars) = pairs.scalars() else {
                continue;
            };
            kept += 1;
            let mut pieces = Vec::new();
            write_scalars(vars, strings, &mut pieces).unwrap();
            assert_eq!(whole, pieces, "{}", host.name);
            let mut out = vec![0; VarsScratch::BYTES];
            if let Some(len) = usual_json(&source, pairs.spans().unwrap(), strings, &mut out) {
                assert_eq!(out[..len], pieces, "{}", host.name);
                usual += 1;
            }
        }
        assert!(usual > 80 && kept > usual, "{usual} {kept}");
    }

    /// `HostVarsText::write` writes a host entry with values kept by their
    /// shape as they are rendered from their nodes (`HostVarsText::get`),
    /// and `shaped_json` (from the models' plans) takes most of them: own
    /// scalars of every YAML 1.1 kind, quoted, escaped, non-ASCII, longer
    /// than a window, folded over lines (decoded), in nested sequences and
    /// mappings, flow pairs and block lists, beside scalar vars.
    #[test]
    fn entries_kept_by_shape_are_written_whole_as_rendered() {
        let models = [
            "        ports: [http: X, https: 443]",
            "        pairs:\n          - - X\n            - b",
            "        ports: [http X,\n          https\n          443]",
            "        ports: [X,\n          https\n          443]",
            "        m: {k: \"x\\tX\", l: [p\n            q, X]}",
            "        m: {k: it X, l: [X, [y\n            z]]}",
            "        l: [[a, b], X, {k: X}]",
            "        m: {a: {b: [X, c]}, \"d\": 'e', f: \"g\\u00e9\"}",
            "        zone: X\n        ports: [http: X]\n        rack: r1",
            "        ports:\n          - http: X\n            https: 443",
        ];
        let own = [
            "z1",
            "8080",
            "0",
            "-443",
            "no",
            "true",
            "y",
            "0x1F",
            "1_000",
            "010",
            "~",
            "null",
            "1.5",
            "1:30",
            "2001-12-14",
            "9999999999999999999",
            "'q\"s'",
            "\"t\"",
            "\"a\\tb\"",
            "a\\b",
            "é☃",
            "'{{ x }}'",
            "web",
            "http 7",
            "a-value-longer-than-sixteen-bytes",
            "'it''s'",
            "0o17",
            "1e3",
            "\"\"",
        ];
        let (mut shaped, mut hosts) = (0, 0);
        for model in models {
            for value in own {
                let mut source = String::from("versions:\n  app:\n");
                for (i, x) in ["80", "81", value, "82", value, value].iter().enumerate() {
                    source.push_str(&format!("    - h{i}:\n{}\n", model.replace('X', x)));
                }
                let Ok(strategy) = parse(&source) else {
                    continue;
                };
                let version = &strategy.versions[0];
                let text = &version.host_vars;
                let mut scratch = VarsScratch::default();
                for host in &version.hosts {
                    let id = host.vars.expect("vars on every host");
                    let mut whole = Vec::new();
                    text.write(id, &mut whole, &mut scratch).unwrap();
                    let rendered = text.get(id);
                    assert_eq!(String::from_utf8(whole).unwrap(), rendered, "{source}");
                    hosts += 1;
                    let Some((k, strings)) = text.written_entry(id) else {
                        continue;
                    };
                    let mut out = vec![0; VarsScratch::BYTES];
                    let mut plans = shaped::ShapePlans::default();
                    let pairs = text.entry_pairs(k);
                    let made = shaped_json(&source, &pairs, strings, (&mut out, &mut plans));
                    if let Some(len) = made {
                        assert_eq!(&out[..len], rendered.as_bytes(), "{source}");
                        shaped += 1;
                    }
                }
            }
        }
        assert!(shaped > 500 && hosts > shaped, "{shaped} {hosts}");
    }

    /// `printable_ascii` answers as a control check and `is_ascii` did,
    /// for every byte in every place of a chunk and of the rest after it.
    #[test]
    fn printable_ascii_is_no_control_and_ascii() {
        for byte in 0..=255u8 {
            for at in [0, 1, 63, 64, 65, 127, 128, 129] {
                let mut bytes = vec![b'a'; 130];
                bytes[at] = byte;
                let controls = (bytes.iter())
                    .any(|&b| b < b' ' && b != b'\t' && b != b'\n' && b != b'\r' || b == 0x7F);
                let expected = !controls && bytes.is_ascii();
                assert_eq!(printable_ascii(&bytes), expected, "{byte} at {at}");
            }
        }
    }

    /// Bytes found printable ASCII, in one piece or in halves, read as the
    /// same text checked the usual way does, and any other byte in either
    /// half (a control, a line break YAML 1.1 does not take, UTF-8 or not)
    /// is reported as before.
    #[test]
    fn printable_bytes_read_as_text_checked_the_usual_way() {
        let texts = tree::Texts::default();
        let outcome = |result: Result<Strategy, Vec<Problem>>| match result {
            Ok(strategy) => format!("{:?}", strategy.versions),
            Err(problems) => format!("{problems:?}"),
        };
        let odd: [&[u8]; 8] = [
            b"\x01",
            b"\x7f",
            b"\t",
            b"\r",
            "é".as_bytes(),
            "\u{85}".as_bytes(),
            b"\xff",
            b"\xe2\x80",
        ];
        let mut sources = vec![
            b"versions:\n  app: [w1]\n".to_vec(),
            b"a\n".to_vec(),
            b" \n".to_vec(),
        ];
        for place in [0, 5, 21, 30] {
            for bytes in odd {
                let mut source = b"versions:\n  app:\n    - w1\n    - w2\n".to_vec();
                source.splice(place..place, bytes.iter().copied());
                sources.push(source);
            }
        }
        // Short ones are looked at in one piece, the rest in halves.
        assert!(sources.iter().any(|s| s.len() < PRINTABLE_HALVES_FROM));
        assert!(sources.iter().any(|s| s.len() >= PRINTABLE_HALVES_FROM));
        for source in &sources {
            let usual = match std::str::from_utf8(source) {
                Ok(text) => outcome(parse_with(text, &texts, HostsFrom::Unavailable)),
                Err(_) => "not UTF-8".into(),
            };
            let read = outcome(parse_bytes_with(source, &texts, HostsFrom::Unavailable));
            if usual != "not UTF-8" {
                assert_eq!(read, usual, "{:?}", String::from_utf8_lossy(source));
            }
            let printable = printable_ascii(source);
            assert_eq!(printable_text(source).is_some(), printable);
        }
    }

    /// Wherever `unreadable_char` finds nothing to refuse, the fast reader
    /// told so (which then does not look for such characters) reads as it
    /// reads by itself: no character it leaves to the event parser gets by.
    #[test]
    fn the_fast_reader_need_not_look_again_for_what_was_refused() {
        let pieces = [
            "a", "\t", "\r", "\n", "\r\n", "é", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{1}",
            "\u{7f}", "\u{FFFE}", "\u{D7FF}", "\u{E000}", "😀", "- ", ": ", "#", "'", "\"",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let source = format!("{a}versions:\n  app:\n    - w{b}1\n    - {c}w2\n");
                    if unreadable_char(&source).is_some() {
                        continue;
                    }
                    checked += 1;
                    let alone = format!("{:?}", block_yaml::read_or_error(&source));
                    let told = format!("{:?}", block_yaml::read_or_error_of_checked(&source));
                    assert_eq!(alone, told, "{source:?}");
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn each_duplicate_names_the_version_that_listed_it_first() {
        let found = problems("versions:\n  a: [x, w]\n  b: [y]\n  c: [y, x, z, z]\n  d: w\n");
        assert_eq!(
            found,
            [
                "r.yml:4:7: host `y` is listed in version `b` at line 3 column 7 and again here in version `c`; a host can run only one version, keep one",
                "r.yml:4:10: host `x` is listed in version `a` at line 2 column 7 and again here in version `c`; a host can run only one version, keep one",
                "r.yml:4:16: host `z` is listed twice in version `c`, first at line 4 column 13; keep one",
                "r.yml:5:6: host `w` is listed in version `a` at line 2 column 10 and again here in version `d`; a host can run only one version, keep one",
            ]
        );
    }

    /// Past 1 MiB a host string is read in two halves at once, and past 65,536
    /// hosts the duplicate check hashes two halves at once: the same hosts in
    /// the same order, and the same problems as reading in one piece.
    #[test]
    fn long_host_strings_read_in_halves_read_as_in_one_piece() {
        let names: Vec<String> = (0..80_000)
            .map(|i| format!("web-{i:06}.example.com"))
            .collect();
        let joined = names.join(", ");
        assert!(joined.len() > 1 << 20);
        let source = format!("versions:\n  a: \"{joined}\"\n");
        let strategy = parse(&source).unwrap();
        let read: Vec<&str> = strategy.versions[0]
            .hosts
            .iter()
            .map(|h| h.name.as_ref())
            .collect();
        assert_eq!(read, names);

        let line = |hosts: &str| format!("versions:\n  a: \"{hosts}\"\n");
        // The string's middle inside a character of two bytes, then of three:
        // the name around the middle starts with one, moved on until it is.
        for wide in ["é", "☃"] {
            let mut names = names.clone();
            let at = names.join(",").len() / 2 / (names[0].len() + 1);
            names[at].insert_str(0, wide);
            while (names.join(",")).is_char_boundary(names.join(",").len() / 2) {
                names[at].insert(0, 'x');
            }
            let source = line(&names.join(","));
            let strategy = parse(&source).unwrap();
            let read: Vec<&str> = (strategy.versions[0].hosts.iter())
                .map(|h| h.name.as_ref())
                .collect();
            assert_eq!(read, names);
        }
        // A problem in either half, or only seen across them, as in one piece.
        let mut late = names.clone();
        late[70_000] = "bad name".to_string();
        let found = problems(&line(&late.join(",")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("r.yml:2:"), "{found:?}");
        assert!(
            found[0].contains(": host `bad name` contains whitespace"),
            "{found:?}"
        );
        let mut empty = names.clone();
        empty[79_999] = String::new();
        let found = problems(&line(&empty.join(",")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("r.yml:2:"), "{found:?}");
        assert!(found[0].contains("empty"), "{found:?}");
        let mut twice = names.clone();
        twice[75_000] = names[3].clone();
        let found = problems(&line(&twice.join(",")));
        // Placed at the second listing: after `  a: "`, 75,000 names and commas.
        let column = 7 + 75_000 * (names[0].len() + 1);
        let first = 7 + 3 * (names[0].len() + 1);
        assert_eq!(
            found,
            [format!(
                "r.yml:2:{column}: host `web-000003.example.com` is listed twice in version `a`, first at line 2 column {first}; keep one"
            )]
        );
    }

    /// `plain_names` lets the inventory skip the escape check of every name: it
    /// must be false whenever a name holds anything but letters, digits and `.-_:]`.
    #[test]
    fn plain_names_only_when_every_name_is_plain() {
        let strategy = parse(concat!(
            "versions:\n",
            "  a: web1, web-2.example.com, db:3, x[1:2]\n",
            "  b: [web_5, {web6: {k: v}}]\n",
            "  c: ['we\"b7', web8]\n",
            "  d: 'web9, w\\eb10'\n",
            "  e: [web11, 'wéb12']\n",
            "  f: [13, web14]\n", // names as written: `13` is plain
            "  g:\n    hosts: [web15, 'w!b16']\n    exclude: 'w!b16'\n",
        ))
        .unwrap();
        let plain: Vec<(&str, bool)> = (strategy.versions.iter())
            .map(|v| (v.name.as_str(), v.plain_names))
            .collect();
        assert_eq!(
            plain,
            [
                ("a", true),
                ("b", true),
                ("c", false),
                ("d", false),
                ("e", false),
                ("f", true),
                ("g", false),
            ]
        );
        let groups = r#"{"groups": {"all": ["h1", "h2"], "web": ["h1", "h2"]}}"#;
        let external = ExternalHosts::from_json(groups).unwrap();
        let source = "versions:\n  a:\n    hosts_from: web\n";
        let texts = tree::Texts::default();
        let strategy = parse_with(source, &texts, HostsFrom::External(&external)).unwrap();
        assert!(!strategy.versions[0].plain_names);
    }

    /// Names that lie in the text as written (plain or quoted without escapes,
    /// in a string read whole or in halves, or in a list) are borrowed from it:
    /// a million hosts then cost no copy of their names.
    #[test]
    fn host_names_borrow_from_the_text_they_were_read_from() {
        let long: Vec<String> = (0..60_000)
            .map(|i| format!("h{i:07}.example.com"))
            .collect();
        let sources = [
            "versions:\n  a: web1, web2\n  b: [x1, 'x2', \"x3\"]\n  c:\n    - y1\n    - 'y2'\n"
                .to_string(),
            format!("versions:\n  a: \"{}\"\n", long.join(",")),
            format!("versions:\n  a:\n    - {}\n", long.join("\n    - ")),
        ];
        for source in &sources {
            let strategy = parse(source).unwrap();
            let hosts: Vec<&Host> = strategy.versions.iter().flat_map(|v| &v.hosts).collect();
            assert!(!hosts.is_empty());
            assert!(
                (hosts.iter()).all(|h| matches!(h.name, Cow::Borrowed(_))),
                "{}",
                &source[..60]
            );
        }
    }

    /// Names that are not their text as written (escapes, by either tree
    /// builder) borrow the one text they were decoded into;
    /// without [`tree::Texts`] they are copies.
    #[test]
    fn decoded_host_names_borrow_the_text_they_were_decoded_into() {
        let fast = "versions:\n  a:\n    - \"w\\x2d1\"\n    - \"w\\u00e92\"\n";
        // A directive: the event parser reads the whole file.
        let events = format!("%YAML 1.2\n---\n{fast}vars:\n  motd: text\n");
        assert!(block_yaml::read(fast).is_some() && block_yaml::read(&events).is_none());
        for source in [fast, &events] {
            let texts = tree::Texts::default();
            let strategy = parse_with(source, &texts, HostsFrom::Unavailable).unwrap();
            let hosts = &strategy.versions[0].hosts;
            assert_eq!(
                hosts.iter().map(|h| &*h.name).collect::<Vec<_>>(),
                ["w-1", "wé2"]
            );
            assert!(hosts.iter().all(|h| matches!(h.name, Cow::Borrowed(_))));
            let copied = parse(source).unwrap();
            assert!(
                copied.versions[0]
                    .hosts
                    .iter()
                    .all(|h| matches!(h.name, Cow::Owned(_)))
            );
            assert_eq!(copied.versions[0].hosts, *hosts);
        }
        // Placed at their items, as the copies are: a host listed twice among
        // thousands, and one more as a copy (through an alias).
        let names: Vec<String> = (0..5000)
            .map(|i| format!("    - \"w\\x2d{i}\"\n"))
            .collect();
        let source = format!(
            "versions:\n  a:\n{}    - &d \"w\\x2d4321\"\n    - \"w\\x2d7\"\n  b: [*d]\n",
            names.concat()
        );
        let texts = tree::Texts::default();
        let kept = parse_with(&source, &texts, HostsFrom::Unavailable).unwrap_err();
        let copied = parse(&source).unwrap_err();
        assert_eq!(kept, copied);
        let lines: Vec<usize> = kept.iter().map(|p| p.location.unwrap().line).collect();
        assert_eq!(lines, [5003, 5004, 5005], "{kept:?}");
        assert_eq!(
            kept[1].kind.to_string().matches("line 10 column 7").count(),
            1
        );
    }

    /// An empty entry in a 2 MB host string is placed where it is, and the
    /// message quotes only the text around it.
    #[test]
    fn an_empty_entry_of_a_long_host_string_is_placed_and_quoted_short() {
        let names: Vec<String> = (0..200_000)
            .map(|i| format!("web-{i:08}.example"))
            .collect();
        let (first, second) = names.split_at(100_000);
        let joined = format!("{},,{}", first.join(","), second.join(","));
        assert!(joined.len() > 2 << 20);
        let found = problems(&format!("versions:\n  a: \"{joined}\"\n"));
        assert_eq!(
            found.len(),
            1,
            "{:?}",
            found[0].chars().take(300).collect::<String>()
        );
        let column = 7 + first.join(",").len() + 1;
        assert!(
            found[0].starts_with(&format!("r.yml:2:{column}: empty host entry in `…")),
            "{}",
            found[0]
        );
        assert!(found[0].len() < 300, "{}", found[0]);
    }

    #[test]
    fn repeated_values_within_and_across_two_sorted_runs() {
        assert_eq!(repeated(&[], &[]), Vec::<u64>::new());
        assert_eq!(repeated(&[1, 2, 3], &[4, 5]), Vec::<u64>::new());
        assert_eq!(repeated(&[1, 1, 2, 9], &[0, 2, 2, 7, 9, 9]), [1, 2, 9]);
        assert_eq!(repeated(&[5], &[5]), [5]);
        assert_eq!(repeated(&[3, 3, 3], &[]), [3]);
        assert_eq!(repeated(&[], &[0, 8, 8]), [8]);
        assert_eq!(repeated(&[u64::MAX], &[0, u64::MAX]), [u64::MAX]);
    }

    #[test]
    fn an_unmatched_exclude_range_is_quoted_as_written_and_reported_once() {
        let found = problems("exclude: 'db[1:2], web1'\nversions:\n  a: web[1:3]\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("r.yml:1:11: exclude entry `db[1:2]` matches no host"),
            "{found:?}"
        );
        let found =
            problems("versions:\n  a:\n    hosts: web1,web2\n    exclude: [web1, 'x[1:2]']\n");
        assert!(
            found[0]
                .starts_with("r.yml:4:21: exclude entry `x[1:2]` matches no host of version `a`"),
            "{found:?}"
        );
        // A range matching some of its hosts excludes those.
        let strategy = parse("exclude: web[2:9]\nversions:\n  a: web[1:3]\n").unwrap();
        let excluded: Vec<&str> = strategy.versions[0]
            .excluded
            .iter()
            .map(|h| h.name.as_ref())
            .collect();
        assert_eq!(excluded, ["web2", "web3"]);
    }

    #[test]
    fn excluded_hosts_keep_file_order_whichever_entry_names_them() {
        let source = "exclude: [b3, a9, zz]\nversions:\n  a: a1, a9, a2, dup, a3\n  b:\n    hosts: b1, b2, b3, b4\n    exclude: [b4, b1, a9, 'b[3:4]']\n";
        let strategy = parse(source).unwrap_err();
        let found: Vec<String> = strategy
            .iter()
            .map(|p| p.at(std::path::Path::new("r.yml")).to_string())
            .collect();
        // `a9` is not a host of `b`; `zz` matches no version.
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("r.yml:1:19: exclude entry `zz` matches no host of any version"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("r.yml:6:23: exclude entry `a9` matches no host of version `b`"),
            "{found:?}"
        );
        let source = "exclude: [b3, a9]\nversions:\n  a: a1, a9, a2, a3\n  b:\n    hosts: b1, b2, b3, b4\n    exclude: [b4, b1, 'b[3:4]']\n";
        let strategy = parse(source).unwrap();
        let names = |hosts: &[Host]| hosts.iter().map(|h| h.name.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&strategy.versions[0].hosts), ["a1", "a2", "a3"]);
        assert_eq!(names(&strategy.versions[0].excluded), ["a9"]);
        assert_eq!(names(&strategy.versions[1].hosts), ["b2"]);
        assert_eq!(names(&strategy.versions[1].excluded), ["b1", "b3", "b4"]);
    }

    #[test]
    fn past_the_cap_the_rest_are_counted() {
        let versions: String = (0..3000).map(|i| format!("  v{i}: h{i}\n")).collect();
        let unknown: Vec<String> = (0..3000).map(|i| format!("x{i}")).collect();
        let source = format!("priority: [{}]\nversions:\n{versions}", unknown.join(", "));
        let problems = parse(&source).unwrap_err();
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            problems[MAX_PROBLEMS].kind,
            ProblemKind::More {
                count: 3000 - MAX_PROBLEMS
            }
        );
    }

    #[test]
    fn numbers_past_64_bits_get_a_plain_message() {
        let found = problems("schedule: 18446744073709551616\nversions: {a: x}\n");
        assert!(found[0].contains("is more than any fleet"), "{found:?}");
        let found = problems("combine: '99999999999999999999999'\nversions: {a: x}\n");
        assert!(found[0].contains("is more than any fleet"), "{found:?}");
        let found = problems("pause_after_canary: -18446744073709551617\nversions: {a: x}\n");
        assert!(found[0].contains("a pause cannot be negative"), "{found:?}");
    }

    #[test]
    fn a_host_name_read_as_a_number_keeps_its_text() {
        let strategy = parse("versions:\n  a: [1.10, 010]\n").unwrap();
        let names: Vec<&str> = strategy.versions[0]
            .hosts
            .iter()
            .map(|h| h.name.as_ref())
            .collect();
        assert_eq!(names, ["1.10", "010"]);
        let found = problems("versions:\n  a: [1.10, web, 1.1]\n  b: 1.10\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("r.yml:3:6: host `1.10` is listed in version `a`"));
    }
}
