//! Host var values of a known shape, checked and written without a node
//! each.
//!
//! A compact host list keeps a var's value that is no scalar as its node
//! once, and every later value written alike or of the same shape (the same
//! kinds, styles and lengths, scalars of their own: `ports: [http: 8080]`
//! on one host, `[http: 8081]` on the next) as that node, its *model*, and
//! the value's own spans ([`crate::tree::KeptValue`]). The validator would
//! make each such value a node again, read every scalar of it by YAML 1.1
//! and write it as JSON, at every host; here a [`ShapePlan`] reads the model
//! once: its keys (each a scalar, no merge key, no name twice in a mapping
//! as ansible-core resolves them), its scalars (each resolved, kept as JSON
//! text) and the JSON text around them. A value of that model is then
//! checked by comparing each key with the model's as written, and resolving
//! only the scalars it writes otherwise than the model does; and written
//! from the plan's text and those scalars.
//!
//! A scalar of a value kept by its shape that is not its text as written
//! (folded over lines, escaped: `[http N,` then `https` then `443]`) is
//! compared as written too: the same text gives the same value, the
//! model's; another is resolved from its value as the list keeps it
//! ([`tree::OwnSpans::decoded`](crate::tree::OwnSpans::decoded)). The
//! spans of a value with no such scalar are read by index; those of one
//! whose scalars are decoded where the model's are (a name folded over
//! lines on every host), at the places the model's layout gives them
//! ([`ShapePlan::layout`]); any other's, node by node ([`Walk`]).
//!
//! Only values with nothing to report take this path: anything else (a key
//! of its own, a scalar ansible-core cannot read, a shared part with a
//! problem) goes through the validator's general walk, which reports it
//! there, in order. The reference of both is the validator without its fast
//! paths ([`super::validate::validate_as`]), which the tests and fuzz
//! targets compare it with.

use super::validate::{push_json_str, push_written_value};
use crate::tree::{
    HostItem, KeptValue, Kind, Node, OwnSpans, Scalar, Span, SpanPlace, SpansAt, Style,
    ValueScratch, Written, alike, shaped_scalar,
};
use std::collections::HashSet;

/// How the values of one model are checked and written (see the module
/// doc).
#[derive(Debug)]
pub(super) struct ShapePlan<'s> {
    /// One step per node of the model, in the order a value kept by its
    /// shape keeps its spans ([`KeptValue::own_spans`]).
    steps: Vec<Step<'s>>,
    /// The value's JSON text without its value scalars, while the plan is
    /// made: each goes at its step's `cut`.
    text: String,
    /// Whether the model's keys have nothing to report: each a scalar, none
    /// YAML's merge key, each resolved, no name twice in a mapping.
    keys_fine: bool,
    /// The key and scalar steps (those [`ShapePlan::is_fine`] and
    /// [`ShapePlan::push`] look at), in order, each read by the index of
    /// its node's span among the value's own ([`OwnSpans::by_index`]), or
    /// at a value with decoded scalars laid out as the model
    /// ([`ShapePlan::layout`]) by its place ([`OwnSpans::at_places`]): at
    /// each value, a short walk of what it needs, without the steps
    /// between.
    checks: Vec<Check<'s>>,
    /// How a value of the model's shape whose scalars are decoded where
    /// the model's are, and only there, is laid out: the place of each
    /// byte that says whether a scalar (or a host list's names) is decoded
    /// ([`tree::OwnSpans::decoded`](crate::tree::OwnSpans::decoded)), and
    /// that byte. Such a value (a scalar folded over lines on every host,
    /// `[http N,` then `https` then `443]`) is read at the places of
    /// [`ShapePlan::checks`] too; any other with a decoded scalar, in turn
    /// ([`ShapePlan::walk`]).
    layout: Vec<(SpanPlace, u8)>,
    /// The whole JSON text of the model, when every scalar in it resolves
    /// too (then a value written as the model is has nothing to report): a
    /// value of the model is written as this text, with the JSON of each
    /// scalar it writes otherwise than the model in place of the model's
    /// (at its step's `at`). [`PAD`] spaces follow it, so that a piece of
    /// it may be copied as a window of that many bytes (see [`PlanOut`]).
    whole: Option<String>,
}

/// How many spaces follow a plan's whole text (see [`ShapePlan::whole`]).
pub(super) const PAD: usize = 16;

/// Where [`ShapePlan::write_to`] writes a value of a plan's model: a
/// string ([`ShapePlan::push`]), or the bytes of an entry made whole
/// (`strategy::shaped_json`), which may not be able to write every scalar.
pub(super) trait PlanOut {
    /// Writes `whole[from..to]`, where [`PAD`] bytes follow `to` in
    /// `whole`; false when it cannot.
    fn piece(&mut self, whole: &str, from: usize, to: usize) -> bool;

    /// Writes the JSON of an own untagged scalar of `style` at `span` in
    /// `src` (its value `decoded` where that is not its text as written),
    /// read without a problem; false when it cannot.
    fn own(&mut self, src: &str, span: Span, style: Style, decoded: Option<&str>) -> bool;
}

impl PlanOut for String {
    #[inline]
    fn piece(&mut self, whole: &str, from: usize, to: usize) -> bool {
        self.push_str(&whole[from..to]);
        true
    }

    #[inline]
    fn own(&mut self, src: &str, span: Span, style: Style, decoded: Option<&str>) -> bool {
        let value = decoded.unwrap_or_else(|| shaped_scalar(src, span, style));
        let written = Written {
            span,
            style,
            value,
            tag_len: 0,
        };
        push_written_value(self, &written).expect("read when kept");
        true
    }
}

/// One node of a [`ShapePlan`]'s model.
#[derive(Debug)]
enum Step<'s> {
    /// A sequence or a mapping: its own span says nothing more.
    Collection,
    /// A host list (names, kept by their spans): its span may be followed
    /// by the text of its decoded names (`decoded`: the model's are); its
    /// names are the steps up to the next [`Step::ListEnd`] that are
    /// [`Step::Value`]s with `name`.
    HostList { decoded: bool },
    /// The end of the innermost host list open (no span of its own).
    ListEnd,
    /// A mapping's key, as written (a value's key must be written so);
    /// `decoded`: the model's is not its text as written.
    Key { written: &'s str, decoded: bool },
    /// A scalar value: as the model writes it, its style, where its JSON
    /// goes in the plan's text, its JSON text (`None`: ansible-core cannot
    /// read it), and where that is in the plan's whole text; `name`: a
    /// name of a host list; `decoded`: the model's is not its text as
    /// written.
    Value {
        written: &'s str,
        style: Style,
        cut: u32,
        json: Option<Box<str>>,
        at: (u32, u32),
        name: bool,
        decoded: bool,
    },
}

impl<'s> Step<'s> {
    /// What a key or scalar step checks at a value of its shape: its text
    /// as the model writes it and, for a scalar, what [`Check::scalar`]
    /// holds; `None` for any other step.
    fn check(&self) -> Option<(&'s str, ScalarCheck)> {
        match *self {
            Step::Key { written, .. } => Some((written, None)),
            Step::Value {
                written,
                style,
                ref json,
                at,
                ..
            } => Some((written, Some((style, json.is_some(), at)))),
            _ => None,
        }
    }
}

/// For a scalar step, its style, whether its text as the model writes it
/// resolves, and where its JSON is in the plan's whole text (see
/// [`Step::Value`]); `None` for a key.
type ScalarCheck = Option<(Style, bool, (u32, u32))>;

/// A key or scalar step of a [`ShapePlan`], as it is read at each value
/// kept by its shape whose spans are read by their places (see
/// [`ShapePlan::checks`]).
#[derive(Debug)]
struct Check<'s> {
    /// The place of its node's span among the value's own, in a value laid
    /// out as the model ([`ShapePlan::layout`]); its `spans`, the index of
    /// that span.
    span: SpanPlace,
    /// Where its value is there, when that is not its text as written.
    decoded: DecodedAt,
    /// As the model writes it (a value's key must be written so; a scalar
    /// written so has the model's value).
    written: &'s str,
    /// `None` for a key; for a scalar, its style, whether it resolves, and
    /// where its JSON is in the plan's whole text (see [`Step::Value`]).
    scalar: ScalarCheck,
}

/// Where the value of a key or scalar of a value laid out as its model
/// ([`ShapePlan::layout`]) is, when that is not its text as written.
#[derive(Debug, Clone, Copy)]
enum DecodedAt {
    /// Nowhere: it is its text as written.
    No,
    /// A scalar's: where its start and length in the list's `shape_texts`
    /// are ([`OwnSpans::decoded`]).
    Text(SpanPlace),
    /// A name's, of a host list with decoded names: where the text of
    /// those names is ([`DecodedAt::Text`]), where the name decoded before
    /// it in that list ends (`None`: it starts the text) and where it ends
    /// ([`OwnSpans::name_end`]).
    Name {
        names: SpanPlace,
        after: Option<SpanPlace>,
        end: SpanPlace,
    },
}

impl DecodedAt {
    /// The value it places in `spans`, if that is not its text as written.
    #[inline(always)]
    fn value<'t>(self, spans: &SpansAt<'t>) -> Option<&'t str> {
        match self {
            DecodedAt::No => None,
            DecodedAt::Text(place) => Some(spans.text(place)),
            DecodedAt::Name { names, after, end } => {
                let start = after.map_or(0, |after| spans.word(after));
                Some(&spans.text(names)[start as usize..spans.word(end) as usize])
            }
        }
    }
}

/// Host lists nested deeper than this in a model leave it without a plan
/// ([`ShapePlan::walk`] keeps where it is in each).
const LIST_DEPTH: usize = 4;

/// The key and scalar steps of a [`ShapePlan`] with a value's own nodes:
/// each step, its own span, and its value where that is not its text as
/// written (see [`OwnSpans::decoded`]).
struct Walk<'p, 's, 't> {
    steps: std::slice::Iter<'p, Step<'s>>,
    spans: OwnSpans<'t>,
    /// For each host list open: the text of its decoded names, and where
    /// the next one starts in it.
    lists: [(Option<&'t str>, u32); LIST_DEPTH],
    depth: usize,
}

impl<'p, 's, 't> Iterator for Walk<'p, 's, 't> {
    type Item = (&'p Step<'s>, Span, Option<&'t str>);

    // Inlined into each loop over it (called as a function, once a step,
    // it cost more than the step).
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let step = self.steps.next()?;
            if let Step::ListEnd = step {
                self.depth -= 1;
                continue;
            }
            let span = self.spans.next().expect("a span per node");
            let decoded = match step {
                Step::Collection | Step::ListEnd => continue,
                Step::HostList { .. } => {
                    self.lists[self.depth] = (self.spans.decoded(), 0);
                    self.depth += 1;
                    continue;
                }
                Step::Value { name: true, .. } => {
                    let (names, from) = &mut self.lists[self.depth - 1];
                    (self.spans.name_end(names.is_some())).map(|end| {
                        let start = std::mem::replace(from, end);
                        &names.expect("a list with decoded names")[start as usize..end as usize]
                    })
                }
                Step::Key { .. } | Step::Value { .. } => self.spans.decoded(),
            };
            return Some((step, span, decoded));
        }
    }
}

impl<'s> ShapePlan<'s> {
    /// The plan of `model`, in `src`; `None` when it holds a tag, an alias,
    /// a key that is no scalar or a host list with host entries (the
    /// general walk reads those).
    fn of(src: &'s str, model: &Node<'s>) -> Option<ShapePlan<'s>> {
        let mut plan = ShapePlan {
            steps: Vec::new(),
            text: String::new(),
            keys_fine: true,
            checks: Vec::new(),
            layout: Vec::new(),
            whole: None,
        };
        let mut fine = true;
        plan.read(src, model, &mut fine, 0)?;
        if plan.keys_fine && fine {
            let mut whole = String::with_capacity(plan.text.len() + 8 * plan.steps.len());
            let mut from = 0;
            for step in &mut plan.steps {
                if let Step::Value { cut, json, at, .. } = step {
                    let cut = *cut as usize;
                    whole.push_str(&plan.text[from..cut]);
                    let start = u32::try_from(whole.len()).ok()?;
                    whole.push_str(json.as_deref().expect("every scalar resolved"));
                    *at = (start, u32::try_from(whole.len()).ok()?);
                    from = cut;
                }
            }
            whole.push_str(&plan.text[from..]);
            whole.push_str(&" ".repeat(PAD));
            plan.whole = Some(whole);
        }
        plan.text = String::new();
        plan.steps.shrink_to_fit();
        plan.lay_out();
        Some(plan)
    }

    /// Makes [`ShapePlan::checks`] and [`ShapePlan::layout`] from the
    /// steps: the place of each span, and of what follows it, in a value
    /// laid out as the model (the reading of [`Walk`], once).
    fn lay_out(&mut self) {
        // For each host list open: where the text of its decoded names is,
        // if it has any, and where the last of them read so far ends.
        let mut lists: Vec<(Option<SpanPlace>, Option<SpanPlace>)> = Vec::new();
        let (mut spans, mut extra) = (0, 0);
        for step in &self.steps {
            let span = SpanPlace { spans, extra };
            // Right after the span: a byte that tells whether its value is
            // decoded, then where.
            let flag = SpanPlace {
                spans: spans + 1,
                extra,
            };
            let words = SpanPlace {
                spans: spans + 1,
                extra: extra + 1,
            };
            let decoded = match *step {
                Step::ListEnd => {
                    lists.pop();
                    continue;
                }
                Step::Collection => DecodedAt::No,
                Step::HostList { decoded } => {
                    self.layout.push((flag, u8::from(decoded)));
                    lists.push((decoded.then_some(words), None));
                    extra += 1 + 8 * u32::from(decoded);
                    DecodedAt::No
                }
                Step::Value {
                    name: true,
                    decoded,
                    ..
                } => match lists.last_mut().expect("a name in a list") {
                    (None, _) => DecodedAt::No,
                    (Some(names), last) => {
                        self.layout.push((flag, u8::from(decoded)));
                        extra += 1 + 4 * u32::from(decoded);
                        match decoded {
                            true => DecodedAt::Name {
                                names: *names,
                                after: last.replace(words),
                                end: words,
                            },
                            false => DecodedAt::No,
                        }
                    }
                },
                Step::Key { decoded, .. } | Step::Value { decoded, .. } => {
                    self.layout.push((flag, u8::from(decoded)));
                    extra += 1 + 8 * u32::from(decoded);
                    match decoded {
                        true => DecodedAt::Text(words),
                        false => DecodedAt::No,
                    }
                }
            };
            if let Some((written, scalar)) = step.check() {
                self.checks.push(Check {
                    span,
                    decoded,
                    written,
                    scalar,
                });
            }
            spans += 1;
        }
    }

    /// Adds the steps and text of `node`, a node before those inside it:
    /// [`same_shape`](crate::tree)'s order; `lists`: the host lists it is
    /// in. Clears `fine` at a scalar that does not resolve.
    fn read(&mut self, src: &'s str, node: &Node<'s>, fine: &mut bool, lists: usize) -> Option<()> {
        let written = |node: &Node| src.get(node.span.start()..node.span.end as usize);
        match &node.kind {
            Kind::Scalar(scalar) if scalar.tag.is_none() => {
                self.scalar(written(node)?, scalar, fine, false)?;
            }
            Kind::Seq(items) => {
                self.steps.push(Step::Collection);
                self.text.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.read(src, item, fine, lists)?;
                }
                self.text.push(']');
            }
            // Its names as the list gives them (their values decoded where
            // they are not their text as written), items kept as nodes in
            // turn; no host entry, no tag.
            Kind::HostSeq(seq) if lists < LIST_DEPTH => {
                let decoded = !seq.names_as_written();
                self.steps.push(Step::HostList { decoded });
                self.text.push('[');
                for (index, item) in seq.items().enumerate() {
                    if index > 0 {
                        self.text.push(',');
                    }
                    match item {
                        HostItem::Scalar { name, tag: None } => {
                            let Kind::Scalar(scalar) = &name.kind else {
                                return None;
                            };
                            self.scalar(written(&name)?, scalar, fine, true)?;
                        }
                        HostItem::Node(item) => self.read(src, item, fine, lists + 1)?,
                        // An alias is no value of a plan (as the entry's node).
                        HostItem::Scalar { .. }
                        | HostItem::Entry { .. }
                        | HostItem::Aliased { .. } => return None,
                    }
                }
                self.steps.push(Step::ListEnd);
                self.text.push(']');
            }
            Kind::Map(entries) => {
                self.steps.push(Step::Collection);
                self.text.push('{');
                let mut names = HashSet::new();
                for (index, (key, value)) in entries.iter().enumerate() {
                    let Kind::Scalar(scalar) = &key.kind else {
                        return None;
                    };
                    if scalar.tag.is_some() {
                        return None;
                    }
                    let written = written(key)?;
                    self.steps.push(Step::Key {
                        written,
                        decoded: !as_written(written, scalar),
                    });
                    let name = key_name(scalar);
                    match &name {
                        Some(name) => self.keys_fine &= names.insert(name.clone()),
                        None => self.keys_fine = false,
                    }
                    if index > 0 {
                        self.text.push(',');
                    }
                    push_json_str(&mut self.text, name.as_deref().unwrap_or(""));
                    self.text.push(':');
                    self.read(src, value, fine, lists)?;
                }
                self.text.push('}');
            }
            _ => return None,
        }
        Some(())
    }

    /// Adds the step and text of an untagged scalar written as `written`
    /// (`name`: a name of a host list).
    fn scalar(
        &mut self,
        written: &'s str,
        scalar: &Scalar,
        fine: &mut bool,
        name: bool,
    ) -> Option<()> {
        let json = scalar_json(scalar);
        *fine &= json.is_some();
        self.steps.push(Step::Value {
            written,
            style: scalar.style,
            cut: u32::try_from(self.text.len()).ok()?,
            json: json.map(String::into_boxed_str),
            at: (0, 0),
            name,
            decoded: !as_written(written, scalar),
        });
        Some(())
    }

    /// The key and scalar steps with the own nodes of a value kept by its
    /// shape of this plan's model, whose spans are `spans` (see [`Walk`]).
    #[inline]
    fn walk<'p, 't>(&'p self, spans: OwnSpans<'t>) -> Walk<'p, 's, 't> {
        Walk {
            steps: self.steps.iter(),
            spans,
            lists: [(None, 0); LIST_DEPTH],
            depth: 0,
        }
    }

    /// Whether `value`, of this plan's model, has nothing to report: the
    /// model's keys have nothing; its own keys are written as the model's,
    /// and its scalars resolve.
    pub(super) fn is_fine(&self, value: &KeptValue<'_, 's>) -> bool {
        if !self.keys_fine {
            return false;
        }
        let Some(spans) = value.own_spans() else {
            return self.whole.is_some();
        };
        let src = value.src();
        // The usual value, a span per node and nothing more, or one laid
        // out as the model: only the key and scalar steps, each span read
        // at its place.
        if let Some(spans) = spans.by_index() {
            let span = |check: &Check| spans.at(check.span.spans);
            return (self.checks.iter()).all(|check| check_fine(src, check, span(check), || None));
        }
        match self.laid_out(&spans) {
            Some(spans) => (self.checks.iter()).all(|check| {
                let decoded = || check.decoded.value(&spans);
                check_fine(src, check, spans.span(check.span), decoded)
            }),
            None => {
                (self.walk(spans)).all(|(step, span, decoded)| step_fine(src, step, span, decoded))
            }
        }
    }

    /// `spans`, of a value with decoded scalars, to be read at the places
    /// of [`ShapePlan::checks`]; `None` when their value is laid out
    /// otherwise than the model (see [`ShapePlan::layout`]: then they are
    /// read in turn, [`Walk`]).
    #[inline(always)]
    fn laid_out<'t>(&self, spans: &OwnSpans<'t>) -> Option<SpansAt<'t>> {
        #[cfg(test)]
        if tests::WALK_ONLY.get() {
            return None;
        }
        let at = spans.at_places();
        let laid_out = (self.layout.iter()).all(|&(place, flag)| at.byte(place) == Some(flag));
        laid_out.then_some(at)
    }

    /// Writes `value`, of this plan's model and read without a problem
    /// ([`ShapePlan::is_fine`], or the general walk), as JSON: what
    /// `push_kept_value` writes of its node. False (nothing written) when
    /// it writes a key of its own, which the plan's text does not hold, or
    /// the model has a scalar that does not resolve.
    fn push(&self, out: &mut String, value: &KeptValue<'_, 's>) -> bool {
        let start = out.len();
        let written = self.write_to(out, value);
        if !written {
            out.truncate(start);
        }
        written
    }

    /// [`ShapePlan::push`] to `out`: false when the value has a key of its
    /// own, the model a scalar that does not resolve, or `out` cannot write
    /// a piece or a scalar (what it wrote is then of no use).
    #[inline]
    pub(super) fn write_to(&self, out: &mut impl PlanOut, value: &KeptValue<'_, 's>) -> bool {
        let Some(whole) = &self.whole else {
            return false;
        };
        let end = whole.len() - PAD;
        let Some(spans) = value.own_spans() else {
            return out.piece(whole, 0, end);
        };
        let src = value.src();
        let mut from = 0;
        let written = if let Some(spans) = spans.by_index() {
            (self.checks.iter()).all(|check| {
                let span = spans.at(check.span.spans);
                check_write(out, (whole, &mut from), (src, check, span, || None))
            })
        } else if let Some(spans) = self.laid_out(&spans) {
            (self.checks.iter()).all(|check| {
                let (span, decoded) = (spans.span(check.span), || check.decoded.value(&spans));
                check_write(out, (whole, &mut from), (src, check, span, decoded))
            })
        } else {
            (self.walk(spans)).all(|(step, span, decoded)| {
                step_write(out, (whole, &mut from), (src, step, span, decoded))
            })
        };
        written && out.piece(whole, from, end)
    }

    /// Whether a value of this plan's model is written from its plan
    /// ([`ShapePlan::write_to`] may write it).
    pub(super) fn writes(&self) -> bool {
        self.keys_fine && self.whole.is_some()
    }
}

/// Whether the node of a value at `span` in `src` (its value `decoded`
/// where that is not its text as written) has nothing to report at
/// `step` of its model's plan (see [`ShapePlan::is_fine`]).
// Inlined into the walk of `is_fine` (a call a step cost more than it).
#[inline(always)]
fn step_fine(src: &str, step: &Step, span: Span, decoded: Option<&str>) -> bool {
    match step.check() {
        Some((written, scalar)) => scalar_fine(src, (written, scalar), span, || decoded),
        None => true,
    }
}

/// [`step_fine`] of a check read at its place: the node at `span` in
/// `src`, its value `decoded()` where that is not its text as written.
// Inlined into the loops of `is_fine` over the checks.
#[inline(always)]
fn check_fine<'d>(
    src: &str,
    check: &Check,
    span: Span,
    decoded: impl FnOnce() -> Option<&'d str>,
) -> bool {
    scalar_fine(src, (check.written, check.scalar), span, decoded)
}

/// Whether the key or scalar step written `written` (for a scalar, its
/// style, whether it resolves and where its JSON is: see [`Check`]) is fine
/// at the node at `span` in `src`, its value `decoded()` where that is not
/// its text as written (read only when the node is written otherwise than
/// the model's): [`step_fine`] and [`check_fine`] of such a step.
#[inline(always)]
fn scalar_fine<'d>(
    src: &str,
    (written, scalar): (&str, ScalarCheck),
    span: Span,
    decoded: impl FnOnce() -> Option<&'d str>,
) -> bool {
    let written_so = alike(own(src, span), written.as_bytes());
    match scalar {
        None => written_so,
        // Written as the model's: the same value.
        Some((_, resolves, _)) if written_so => resolves,
        // A plain one as written: the usual ones told by its bytes.
        Some((Style::Plain, ..)) => match decoded() {
            Some(value) => crate::yaml11::is_readable(value),
            None => {
                crate::yaml11::classify_usual(own(src, span)).is_some()
                    || crate::yaml11::is_readable(shaped_scalar(src, span, Style::Plain))
            }
        },
        Some(_) => true,
    }
}

/// [`step_write`] of a check read at its place: the node at `span` in
/// `src`, its value `decoded()` where that is not its text as written.
// Inlined into the loops of `write_to` over the checks.
#[inline(always)]
fn check_write<'d>(
    out: &mut impl PlanOut,
    (whole, from): (&str, &mut usize),
    (src, check, span, decoded): (&str, &Check, Span, impl FnOnce() -> Option<&'d str>),
) -> bool {
    scalar_write(
        out,
        (whole, from),
        (src, (check.written, check.scalar), span, decoded),
    )
}

/// Writes the JSON of the node of a value at `span` in `src` (its value
/// `decoded` where that is not its text as written) at `step` of its
/// model's plan, after the plan's `whole` text from `from` up to it, if it
/// is written otherwise than the model's (see [`ShapePlan::write_to`]);
/// false at a key of its own, or where `out` cannot write it.
// Inlined into the walk of `write_to`.
#[inline(always)]
fn step_write(
    out: &mut impl PlanOut,
    (whole, from): (&str, &mut usize),
    (src, step, span, decoded): (&str, &Step, Span, Option<&str>),
) -> bool {
    match step.check() {
        Some(check) => scalar_write(out, (whole, from), (src, check, span, || decoded)),
        None => true,
    }
}

/// [`step_write`] and [`check_write`] of a key or scalar step written
/// `written` (see [`scalar_fine`]).
#[inline(always)]
fn scalar_write<'d>(
    out: &mut impl PlanOut,
    (whole, from): (&str, &mut usize),
    (src, (written, scalar), span, decoded): (
        &str,
        (&str, ScalarCheck),
        Span,
        impl FnOnce() -> Option<&'d str>,
    ),
) -> bool {
    let written_so = alike(own(src, span), written.as_bytes());
    let (style, (at, to)) = match scalar {
        None => return written_so,
        Some(_) if written_so => return true,
        Some((style, _, at)) => (style, at),
    };
    // The model's text up to this scalar, then this one's.
    let piece = out.piece(whole, *from, at as usize);
    *from = to as usize;
    piece && out.own(src, span, style, decoded())
}

/// The bytes of `src` at `span`.
#[inline]
fn own(src: &str, span: Span) -> &[u8] {
    &src.as_bytes()[span.start()..span.end as usize]
}

/// The JSON text of a scalar value, as `push_kept_value` writes it; `None`
/// when ansible-core cannot read it.
fn scalar_json(scalar: &Scalar) -> Option<String> {
    let mut out = String::new();
    match scalar.style {
        Style::Plain => {
            let value = crate::yaml11::resolve_plain_unless_str(&scalar.value).ok()?;
            push_resolved(&mut out, &scalar.value, value);
        }
        _ => push_json_str(&mut out, &scalar.value),
    }
    Some(out)
}

/// A plain scalar `text` resolved to `value` (`None`: a string), as JSON.
fn push_resolved(out: &mut String, text: &str, value: Option<serde_json::Value>) {
    use std::fmt::Write;
    match value {
        None => push_json_str(out, text),
        Some(value) => write!(out, "{value}").expect("a String takes any text"),
    }
}

/// Whether the value of `scalar`, plain or quoted and written as `written`,
/// is its text as written (inside the quotes): else a value of its shape
/// keeps its own value beside its span when it is not either
/// ([`tree::OwnSpans::decoded`](crate::tree::OwnSpans::decoded)).
fn as_written(written: &str, scalar: &Scalar) -> bool {
    let text = match scalar.style {
        Style::Plain => Some(written),
        _ => written.get(1..written.len().saturating_sub(1)),
    };
    text == Some(&*scalar.value)
}

/// The name a key gives in a var value, as the validator reads it (a plain
/// one resolved: `on` is "true"); `None` for YAML's merge key or a key
/// ansible-core cannot print.
fn key_name(key: &Scalar) -> Option<String> {
    match key.style {
        Style::Plain if key.value == "<<" => None,
        Style::Plain => crate::yaml11::resolve_plain_key(&key.value).ok(),
        _ => Some(key.value.to_string()),
    }
}

/// The plans of the last few models read, by the model's address (each
/// lives as long as the host list holding it, which outlives the reading and
/// the writing of its vars).
#[derive(Debug, Default)]
pub(super) struct ShapePlans<'s> {
    plans: Vec<(usize, Option<ShapePlan<'s>>)>,
    /// The place the next new plan takes, once all are taken.
    next: usize,
}

impl<'s> ShapePlans<'s> {
    const KEPT: usize = 8;

    /// The plan of the model of `value`, a value written alike or kept by
    /// its shape; `None` for a value that is its model itself (read once,
    /// by the general walk) or whose model has no plan.
    #[inline]
    pub(super) fn of(&mut self, value: &KeptValue<'_, 's>) -> Option<&ShapePlan<'s>> {
        if value.is_model() {
            return None;
        }
        let model = value.model();
        let address = model as *const Node as usize;
        let index = match self.plans.iter().position(|(at, _)| *at == address) {
            Some(index) => index,
            None => self.add(address, value.src(), model),
        };
        self.plans[index].1.as_ref()
    }

    /// Makes the plan of `model`, at `address`, in place of the one made
    /// longest ago once [`ShapePlans::KEPT`] are: its index. (Apart from
    /// [`ShapePlans::of`], which finds one made at each value.)
    #[cold]
    #[inline(never)]
    fn add(&mut self, address: usize, src: &'s str, model: &Node<'s>) -> usize {
        let plan = (address, ShapePlan::of(src, model));
        if self.plans.len() < Self::KEPT {
            self.plans.push(plan);
            self.plans.len() - 1
        } else {
            let index = self.next;
            self.next = (index + 1) % Self::KEPT;
            self.plans[index] = plan;
            index
        }
    }
}

/// What the values kept as nodes of host entries are read and written
/// through: the plans of their models, and a node for those without one.
#[derive(Debug, Default)]
pub(super) struct KeptScratch<'s> {
    pub(super) plans: ShapePlans<'s>,
    pub(super) values: ValueScratch<'s>,
    /// Whether it writes one host's vars only: then no plan is made (one
    /// costs more than the node).
    once: bool,
}

impl KeptScratch<'_> {
    /// A scratch that writes one host's vars.
    pub(super) fn once() -> Self {
        KeptScratch {
            once: true,
            ..Default::default()
        }
    }
}

/// Writes `value`, a host var's value kept as a node and read without a
/// problem, as JSON: from its model's plan, or from its node
/// (`push_kept_value`).
pub(super) fn push_kept<'s>(
    out: &mut String,
    value: &KeptValue<'_, 's>,
    scratch: &mut KeptScratch<'s>,
) {
    if !scratch.once
        && let Some(plan) = scratch.plans.of(value)
        && plan.keys_fine
        && plan.push(out, value)
    {
        return;
    }
    super::validate::push_kept_value(out, &value.node_in(&mut scratch.values));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;
    use crate::strategy::{HostsFrom, Strategy, block_yaml, parse, parse_by_reference};
    use crate::tree::WrittenValue;

    thread_local! {
        /// Whether values with decoded scalars are read in turn only
        /// ([`ShapePlan::walk`]), for tests that compare the paths.
        pub(super) static WALK_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// A strategy of one version whose hosts each carry `vars` (`X`: the
    /// host's own scalar from `own`).
    fn strategy(vars: &str, own: &[&str]) -> String {
        let mut text = String::from("versions:\n  app:\n");
        for (i, x) in own.iter().enumerate() {
            text.push_str(&format!("    - h{i}:\n{}\n", vars.replace('X', x)));
        }
        text
    }

    /// For each host entry of the file's one version, whether its one value
    /// kept as a node has a plan and is fine by it (`None`: no plan, the
    /// general walk reads it).
    fn fine_by_plan(src: &str) -> Vec<Option<bool>> {
        let root = block_yaml::read(src).expect("read by the fast reader");
        let versions = &root.entries().expect("a mapping")[0].1;
        let app = &versions.entries().expect("a mapping")[0].1;
        let Kind::HostSeq(seq) = &app.kind else {
            panic!("a compact host list: {app:?}");
        };
        let mut plans = ShapePlans::default();
        (0..)
            .map_while(|k| seq.entry_vars(k))
            .map(|pairs| {
                let (_, value) = pairs.written().next().expect("a var");
                let WrittenValue::Node(kept) = value else {
                    panic!("a value kept as a node");
                };
                plans.of(&kept).map(|plan| plan.is_fine(&kept))
            })
            .collect()
    }

    /// The problems, or every host's vars as JSON text.
    fn outcome(read: Result<Strategy, Vec<Problem>>) -> Result<Vec<String>, Vec<Problem>> {
        read.map(|strategy| {
            (strategy.versions.iter())
                .flat_map(|v| v.hosts.iter().map(|h| v.own_vars(h).map(String::from)))
                .map(Option::unwrap_or_default)
                .collect()
        })
    }

    /// Reads `src` with the fast paths and by the reference: the same.
    fn as_reference(src: &str) -> Result<Vec<String>, Vec<Problem>> {
        let fast = outcome(parse(src));
        let reference = outcome(parse_by_reference(src, HostsFrom::Unavailable));
        assert_eq!(fast, reference, "{src}");
        fast
    }

    const PORTS: &str = "        ports: [http: X, https: 443]";

    #[test]
    fn own_scalars_are_checked_at_each_host() {
        // Host 1 is the model (read by the general walk), host 2's own
        // scalar is one ansible-core cannot read, host 3's is fine.
        let src = strategy(PORTS, &["80", ".inf", "8080", "no", "0x1F"]);
        assert_eq!(
            fine_by_plan(&src),
            [None, Some(false), Some(true), Some(true), Some(true)]
        );
        let problems = as_reference(&src).expect_err("host 2's value");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let at = problems[0].location.as_ref().expect("placed");
        assert_eq!((at.line, at.column), (6, 23), "{problems:?}");
        // Fine on host 2, a problem on host 1 (the model): the model's own
        // scalar is no shared part.
        let src = strategy(PORTS, &["2001-02-30", "81", "2001-02-30"]);
        assert_eq!(fine_by_plan(&src), [None, Some(true), Some(false)]);
        assert_eq!(as_reference(&src).expect_err("two hosts").len(), 2);
    }

    #[test]
    fn own_scalars_are_written_as_ansible_core_reads_them() {
        let own = [
            "80",
            "no",
            "010",
            "1_000",
            "0x1F",
            "1:30",
            "-1.5",
            "2001-12-14",
            "~",
            "'{{ x }}'",
            "\"quoted\"",
            "0",
            "007",
            "9999999999999999999",
            "1e3",
            "0o17",
            "web",
            "443",
        ];
        let src = strategy(PORTS, &own);
        let vars = as_reference(&src).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(vars[1], r#"{"ports":[{"http":false},{"https":443}]}"#);
        assert_eq!(vars[5], r#"{"ports":[{"http":90},{"https":443}]}"#);
        let src = strategy("        pairs:\n          - - X\n            - b", &own);
        let vars = as_reference(&src).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(vars[2], r#"{"pairs":[[8,"b"]]}"#);
    }

    #[test]
    fn shared_parts_with_a_problem_are_read_by_the_general_walk() {
        // A key twice, a merge key, a key ansible-core cannot print: at
        // every host, by the general walk, as the reference reports them.
        for vars in [
            "        m: {a: X, a: 1}",
            "        m: {on: X, true: 1}",
            "        m: {<<: X, b: 1}",
            "        m: {2001-02-30: X}",
        ] {
            let src = strategy(vars, &["1", "2", "3"]);
            let fine = fine_by_plan(&src);
            assert!(
                fine[1..].iter().all(|f| *f == Some(false)),
                "{vars}: {fine:?}"
            );
            let problems = as_reference(&src).expect_err(vars);
            assert_eq!(problems.len(), 3, "{vars}: {problems:?}");
        }
        // A key of its own on a host: read by the general walk there.
        let src = strategy("        m: {X: 1, b: 2}", &["a", "b", "c", "a"]);
        assert_eq!(
            fine_by_plan(&src),
            [None, Some(false), Some(false), Some(true)]
        );
        assert_eq!(as_reference(&src).expect_err("b twice").len(), 1);
        let src = strategy("        m: {X: 1, b: 2}", &["a", "c", "a"]);
        let vars = as_reference(&src).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(vars[1], r#"{"m":{"c":1,"b":2}}"#);
    }

    #[test]
    fn values_not_as_written_are_checked_and_written_by_the_plan() {
        // A name folded over lines in a host list inside the value, the
        // same on every host, and one of its own on one line.
        let vars = "        ports: [http X,\n          https\n          443]";
        let src = strategy(vars, &["0", "1", "2"]);
        assert_eq!(fine_by_plan(&src), [None, Some(true), Some(true)]);
        let vars = as_reference(&src).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(vars[1], r#"{"ports":["http 1","https 443"]}"#);
        // Own scalars alone, some a problem, beside a folded one.
        let vars = "        ports: [X,\n          https\n          443]";
        let own = ["80", ".inf", "8080", "no", "2001-02-30", "'a'", "1:30"];
        let src = strategy(vars, &own);
        let fine = [None, Some(false), Some(true), Some(true), Some(false)];
        assert_eq!(fine_by_plan(&src)[..5], fine);
        let problems = as_reference(&src).expect_err("hosts 2 and 5");
        let places: Vec<_> = (problems.iter())
            .map(|p| p.location.as_ref().map(|at| (at.line, at.column)))
            .collect();
        assert_eq!(places, [Some((8, 17)), Some((20, 17))], "{problems:?}");
        // Without those, written as the reference writes them.
        let own = ["80", "8080", "no", "'a'", "1:30", "0x1F", "~"];
        let vars = as_reference(&strategy(
            "        ports: [X,\n          https\n          443]",
            &own,
        ))
        .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(vars[2], r#"{"ports":[false,"https 443"]}"#);
        assert_eq!(vars[4], r#"{"ports":[90,"https 443"]}"#);
        // A word of its own inside the folded scalar: its value decoded
        // at each host.
        let src = strategy(
            "        ports: [http,\n          https X\n          443]",
            &own,
        );
        let vars = as_reference(&src).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(vars[1], r#"{"ports":["http","https 8080 443"]}"#);
        // Folded and escaped scalars in block lists and flow mappings.
        for vars in [
            "        pairs:\n          - - a X\n              b\n            - c",
            "        m: {k: \"x\\tX\", l: [p\n            q, X]}",
            "        m: {k: 'it''s X', l: [X, [y\n            z]]}",
            // A host list not decoded, then scalars of its own.
            "        l: [[a, b], X, {k: X}]",
        ] {
            let src = strategy(vars, &["a", "1", "b2", "no", "0x1F", "1", "c"]);
            let fine = fine_by_plan(&src);
            assert!(
                fine[1..].iter().all(|f| *f == Some(true)),
                "{vars}: {fine:?}"
            );
            as_reference(&src).unwrap_or_else(|p| panic!("{vars}: {p:?}"));
        }
    }

    #[test]
    fn own_scalars_beside_folded_ones_are_resolved_once_as_the_reference_reads_them() {
        // `yaml11::is_readable` and `push_written_value` (by `yaml11::classify`) against the
        // reference, on values with a name folded over lines (spans read
        // at the places of the model's layout) and without (spans by
        // index): YAML 1.1 spellings
        // of every type, some ansible-core cannot read, each own scalar
        // after a host of the usual int (the model's shape, with words of
        // their own where the reader takes them so).
        let spellings = [
            "0x1F",
            "1_000",
            "no",
            "No",
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "y",
            "on",
            "010",
            "007",
            "0",
            "-1",
            "+1",
            "-443",
            "1:30",
            "1.5",
            "1e3",
            "0o17",
            ".inf",
            "-.inf",
            ".nan",
            "2001-12-14",
            "2001-02-30",
            "9999999999999999999",
            "18446744073709551616",
            "0b101",
            "http",
            "https",
            "http 7",
        ];
        for vars in [
            "        ports: [X,\n          https\n          443]",
            "        ports: [http X,\n          https\n          443]",
            "        ports: [http: X, https: 443]",
            "        pairs:\n          - - X\n            - b",
        ] {
            for spelling in spellings {
                let own = ["80", "81", spelling, "82", spelling, spelling, "83"];
                let src = strategy(vars, &own);
                let fast = as_reference(&src);
                if let Ok(vars) = &fast {
                    assert_eq!(vars.len(), own.len(), "{src}");
                }
            }
        }
    }

    /// A value read by its plan (see [`by_plan`]).
    type ByPlan = Option<(bool, Option<String>, bool)>;

    /// For each host entry of the file's one version, its one value kept
    /// as a node by its plan: whether it is fine, its JSON (where the plan
    /// writes it), and whether its spans were read at their places
    /// ([`ShapePlan::laid_out`]); `None` for a value with no plan. With
    /// `walk_only`, values with decoded scalars are read in turn. `None`
    /// when the fast reader does not read the file.
    fn by_plan(src: &str, walk_only: bool) -> Option<Vec<ByPlan>> {
        let root = block_yaml::read(src)?;
        let versions = &root.entries().expect("a mapping")[0].1;
        let app = &versions.entries().expect("a mapping")[0].1;
        let Kind::HostSeq(seq) = &app.kind else {
            panic!("a compact host list: {app:?}");
        };
        let mut plans = ShapePlans::default();
        WALK_ONLY.set(walk_only);
        let read = (0..)
            .map_while(|k| seq.entry_vars(k))
            .map(|pairs| {
                let (_, value) = pairs.written().next().expect("a var");
                let WrittenValue::Node(kept) = value else {
                    panic!("a value kept as a node");
                };
                let plan = plans.of(&kept)?;
                let fine = plan.is_fine(&kept);
                let mut json = String::new();
                let json = (fine && plan.keys_fine && plan.push(&mut json, &kept)).then_some(json);
                let at_places = (kept.own_spans()).is_some_and(|spans| {
                    spans.by_index().is_none() && plan.laid_out(&spans).is_some()
                });
                Some((fine, json, at_places))
            })
            .collect();
        WALK_ONLY.set(false);
        Some(read)
    }

    #[test]
    fn values_laid_out_as_their_model_are_read_at_places_as_in_turn() {
        // Scalars decoded (folded over lines, escaped) at the model's
        // places, on every host or some, and own words of their own
        // decoded or not; each value read at its places where laid out as
        // the model, and always as read in turn.
        let own = [
            "0",
            "81",
            "-443",
            "no",
            ".inf",
            "2001-02-30",
            "'a'",
            "\"x\\ty\"",
            "1:30",
            "web",
            "http 7",
            "0x1F",
            "'it''s'",
            "\"é\"",
            "a-value-longer-than-sixteen-bytes",
        ];
        let mut at_places = 0;
        for (vars, word) in [
            "        ports: [http X,\n          https\n          -443]",
            "        ports: [X,\n          https\n          443]",
            "        ports: [http,\n          https X\n          443]",
            "        pairs:\n          - - a X\n              b\n            - c",
            "        m: {k: \"x\\tX\", l: [p\n            q, X]}",
            "        m: {k: 'it''s X', l: [X, [y\n            z]]}",
            "        m: {\"k\\ty\": X, l: [a\n            b, X, c\n            d]}",
            "        l: [[a\n            b, X], [X, c\n            d], X]",
        ]
        .into_iter()
        .flat_map(|vars| own.map(|word| (vars, word)))
        {
            let src = strategy(vars, &["0", "81", word, "82", word]);
            let Some(fast) = by_plan(&src, false) else {
                continue;
            };
            let read = |by: &[ByPlan]| -> Vec<_> {
                (by.iter()
                    .map(|v| v.as_ref().map(|(fine, json, _)| (*fine, json.clone()))))
                .collect()
            };
            let walked = by_plan(&src, true).expect("read as before");
            assert_eq!(read(&fast), read(&walked), "{src}");
            // The same as the reference, too.
            as_reference(&src).ok();
            at_places += fast.iter().flatten().filter(|(.., at)| *at).count();
            // A value whose own words are not decoded is laid out as the
            // model (host 1's, `81`).
            assert!(
                fast[1].as_ref().is_some_and(|(.., at)| *at),
                "{vars}: {fast:?}"
            );
        }
        assert!(at_places > 200, "{at_places}");
    }

    #[test]
    fn tagged_values_have_no_plan() {
        for vars in [
            "        l: !!seq [X]",
            "        l: [!!str X]",
            "        l: !unsafe [X, 1]",
        ] {
            let src = strategy(vars, &["1", "2", "{{ x }}"]);
            let fine = fine_by_plan(&src);
            assert!(fine.iter().all(Option::is_none), "{vars}: {fine:?}");
            as_reference(&src).ok();
        }
    }
}
