/* termkit._native: the hot loops of Annotator.find, in C.
 *
 * Each function here has a pure-Python twin that is the reference (named in
 * its docstring); termkit uses the Python one when this module was not built,
 * and the tests require the two to agree on any input. The automaton's twins
 * are the other engines (daachorse, pyahocorasick), which the tests hold it
 * equal to. Nothing here knows about glossaries or files: it moves offsets
 * and builds tuples.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* -- character classes (those of the Python regular expression) --------- */

static inline int is_alnum(Py_UCS4 c) /* [A-Za-z0-9] */
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline int is_dash(Py_UCS4 c) /* [—–\-－] */
{
    return c == '-' || c == 0x2014 || c == 0x2013 || c == 0xFF0D;
}

/* What a BMP character is to termkit, from configure(): one table lookup
 * instead of a Unicode database call and two string scans per character. */
#define F_FOLD 1   /* a full-width form that folds to ASCII (c - 0xFEE0) */
#define F_QUOTE 2  /* a quotation mark */
#define F_SPACE 4  /* whitespace, as str.isspace() */
static unsigned char table[0x10000];
static int configured = 0;

static inline unsigned char flags_of(Py_UCS4 c)
{
    if (c < 0x10000)
        return table[c];
    return Py_UNICODE_ISSPACE(c) ? F_SPACE : 0;  /* no quote or fold beyond the BMP */
}

PyDoc_STRVAR(configure_doc,
"configure(keep, quotes)\n\n"
"Set the character classes once, before any other call: the full-width\n"
"forms U+FF01..U+FF5E fold to ASCII except those in `keep`; `quotes` are\n"
"the quotation marks (all in the BMP).");

static PyObject *configure(PyObject *self, PyObject *args)
{
    PyObject *keep, *quotes;
    if (!PyArg_ParseTuple(args, "UU", &keep, &quotes))
        return NULL;
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(quotes); i++) {
        if (PyUnicode_READ_CHAR(quotes, i) >= 0x10000) {
            PyErr_SetString(PyExc_ValueError, "quotation marks must be in the BMP");
            return NULL;
        }
    }
    for (Py_UCS4 c = 0; c < 0x10000; c++)
        table[c] = (Py_UNICODE_ISSPACE(c) ? F_SPACE : 0) | (c >= 0xFF01 && c <= 0xFF5E ? F_FOLD : 0);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(keep); i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(keep, i);
        if (c < 0x10000)
            table[c] &= ~F_FOLD;
    }
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(quotes); i++)
        table[PyUnicode_READ_CHAR(quotes, i)] |= F_QUOTE;
    configured = 1;
    Py_RETURN_NONE;
}

static int check_configured(void)
{
    if (!configured)
        PyErr_SetString(PyExc_RuntimeError, "termkit._native.configure() was not called");
    return configured;
}

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
    int fold;       /* fold full-width forms */
    int breaks;     /* whitespace (and page-number lines) in the class */
    int quotes;     /* quotation marks in the class */
} Text;

/* The character at i, as the view sees it (full-width folded). */
static inline Py_UCS4 at(const Text *t, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
    if (t->fold && c < 0x10000 && (table[c] & F_FOLD))
        c -= 0xFEE0;
    return c;
}

static inline int in_class(const Text *t, Py_UCS4 c)
{
    unsigned char f = flags_of(c);
    return (t->breaks && (f & F_SPACE)) || (t->quotes && (f & F_QUOTE));
}

static inline int is_inline_space(Py_UCS4 c) /* [^\S\n] */
{
    return c != '\n' && Py_UNICODE_ISSPACE(c);
}

/* The end of a page-number line starting at j (just after a line feed),
 * `[^\S\n]*[—–\-－]{1,2}[^\S\n]*\d{1,4}[^\S\n]*[—–\-－]{1,2}(?=[^\S\n]*\r?\n)`,
 * or -1. Here text[j] is not whitespace, so the leading spaces are empty; the
 * parts' classes are disjoint, so greedy runs decide without backtracking. */
static Py_ssize_t page_end(const Text *t, Py_ssize_t j)
{
    Py_ssize_t k = j, m, n = t->n;
    for (m = k; m < n && is_dash(at(t, m)); m++);
    if (m - k < 1 || m - k > 2) return -1;
    for (k = m; k < n && is_inline_space(at(t, k)); k++);
    for (m = k; m < n && Py_UNICODE_ISDECIMAL(at(t, m)); m++);
    if (m - k < 1 || m - k > 4) return -1;
    for (k = m; k < n && is_inline_space(at(t, k)); k++);
    for (m = k; m < n && is_dash(at(t, m)); m++);
    if (m - k < 1 || m - k > 2) return -1;
    k = m;
    for (m = k; m < n && is_inline_space(at(t, m)); m++);
    return (m < n && at(t, m) == '\n') ? k : -1;
}

/* The end of the run starting at j: `(?:[class]|page)+`, atomically. */
static Py_ssize_t run_end(const Text *t, Py_ssize_t j)
{
    while (j < t->n) {
        Py_UCS4 c = at(t, j);
        if (in_class(t, c)) {
            j++;
            continue;
        }
        if (t->breaks && j > 0 && at(t, j - 1) == '\n') {
            Py_ssize_t k = page_end(t, j);
            if (k > 0) {
                j = k;
                continue;
            }
        }
        break;
    }
    return j;
}

/* A growing array of offsets, handed to Python as memoryview(...).cast("n"). */
typedef struct {
    Py_ssize_t *v, n, cap;
} Offsets;

static int offsets_push(Offsets *o, Py_ssize_t x)
{
    if (o->n == o->cap) {
        Py_ssize_t cap = o->cap ? 2 * o->cap : 256;
        Py_ssize_t *v = PyMem_Realloc(o->v, cap * sizeof(Py_ssize_t));
        if (v == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = x;
    return 0;
}

static PyObject *offsets_view(const Offsets *o)
{
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)o->v, o->n * (Py_ssize_t)sizeof(Py_ssize_t));
    if (bytes == NULL) return NULL;
    PyObject *mv = PyMemoryView_FromObject(bytes);
    Py_DECREF(bytes);
    if (mv == NULL) return NULL;
    PyObject *r = PyObject_CallMethod(mv, "cast", "s", "n");
    Py_DECREF(mv);
    return r;
}

PyDoc_STRVAR(view_doc,
"view(text, width, breaks, quotes) -> (view_text, starts, shifts, folded)\n\n"
"(starts and shifts as memoryviews of Py_ssize_t; lists in the twin)\n"
"The view of `text`: full-width forms folded (if `width`) and the runs of\n"
"whitespace and page-number lines (if `breaks`) and quotation marks (if\n"
"`quotes`) removed where the rule allows; `folded` tells whether any\n"
"character of `text` is a foldable form. Twin of termkit.text.normalize._view_python.");

static PyObject *view(PyObject *self, PyObject *args)
{
    PyObject *text;
    int width, breaks, quotes;
    if (!PyArg_ParseTuple(args, "Uppp", &text, &width, &breaks, &quotes) || !check_configured())
        return NULL;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), width, breaks, quotes};
    int skipping = breaks || quotes;
    PyObject *starts = NULL, *shifts = NULL, *out = NULL, *result = NULL;
    Offsets ostarts = {NULL, 0, 0}, oshifts = {NULL, 0, 0};
    char *buf = NULL;
    buf = PyMem_Malloc(t.n ? t.n * t.kind : 1);
    if (buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t pos = 0, w = 0, removed = 0, plain = 0;  /* [plain, pos): not yet copied, unchanged */
    int folded = 0;
    while (pos < t.n) {
        Py_UCS4 raw = PyUnicode_READ(t.kind, t.data, pos);
        unsigned char f = flags_of(raw);
        if (f == 0) {  /* most characters: copied as they are, in bulk */
            pos++;
            continue;
        }
        memcpy(buf + w * t.kind, (const char *)t.data + plain * t.kind, (pos - plain) * t.kind);
        w += pos - plain;
        Py_UCS4 c = at(&t, pos);
        if (skipping && in_class(&t, c)) {
            /* (?<![alnum class]) -> always; (?<=[alnum]) -> unless alnum follows */
            int alt = 1;
            if (pos > 0) {
                Py_UCS4 p = at(&t, pos - 1);
                alt = is_alnum(p) ? 2 : (in_class(&t, p) ? 0 : 1);
            }
            if (alt) {
                Py_ssize_t r = run_end(&t, pos);
                if (alt == 1 || r == t.n || !is_alnum(at(&t, r))) {
                    for (Py_ssize_t j = pos; j < r && !folded; j++)  /* as the Python twin counts */
                        folded = (flags_of(PyUnicode_READ(t.kind, t.data, j)) & F_FOLD) != 0;
                    removed += r - pos;
                    if (offsets_push(&ostarts, w) < 0 || offsets_push(&oshifts, removed) < 0)
                        goto done;
                    plain = pos = r;
                    continue;
                }
            }
        }
        if (f & F_FOLD)
            folded = 1;
        PyUnicode_WRITE(t.kind, buf, w, c);
        w++;
        plain = ++pos;
    }
    memcpy(buf + w * t.kind, (const char *)t.data + plain * t.kind, (pos - plain) * t.kind);
    w += pos - plain;
    if (removed == 0 && !(folded && width)) {
        out = text;
        Py_INCREF(out);
    } else {
        out = PyUnicode_FromKindAndData(t.kind, buf, w);
        if (out == NULL) goto done;
    }
    starts = offsets_view(&ostarts);
    shifts = offsets_view(&oshifts);
    if (starts == NULL || shifts == NULL) goto done;
    result = Py_BuildValue("(OOOO)", out, starts, shifts, folded && width ? Py_True : Py_False);
done:
    PyMem_Free(buf);
    PyMem_Free(ostarts.v);
    PyMem_Free(oshifts.v);
    Py_XDECREF(out);
    Py_XDECREF(starts);
    Py_XDECREF(shifts);
    return result;
}

/* -- mapping matches back: Annotator._mentions ------------------------- */

/* bisect_right(v[:n], x, lo) */
static Py_ssize_t bisect_right(const Py_ssize_t *v, Py_ssize_t n, Py_ssize_t x, Py_ssize_t lo)
{
    Py_ssize_t hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (x < v[mid]) hi = mid; else lo = mid + 1;
    }
    return lo;
}

static int unpack_match(PyObject *m, Py_ssize_t *s, Py_ssize_t *e, Py_ssize_t *i)
{
    if (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) != 3) {
        PyErr_SetString(PyExc_TypeError, "a match is a (start, end, index) tuple");
        return -1;
    }
    *s = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 0));
    *e = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 1));
    *i = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 2));
    return PyErr_Occurred() ? -1 : 0;
}

typedef struct {
    Py_ssize_t s, e, i;
} Span;

/* The matches as an array of spans: from a list of (s, e, i) tuples (a copy,
 * *owned set: the caller frees it), or find()'s packed bytes (their buffer). */
static Span *spans_of(PyObject *matches, Py_ssize_t *n, int *owned)
{
    *owned = 0;
    if (PyBytes_Check(matches)) {
        if (PyBytes_GET_SIZE(matches) % sizeof(Span)) {
            PyErr_SetString(PyExc_ValueError, "malformed packed matches");
            return NULL;
        }
        *n = PyBytes_GET_SIZE(matches) / (Py_ssize_t)sizeof(Span);
        return (Span *)PyBytes_AS_STRING(matches);
    }
    if (!PyList_Check(matches)) {
        PyErr_SetString(PyExc_TypeError, "the matches are a list or packed bytes");
        return NULL;
    }
    Span *v = PyMem_Malloc((PyList_GET_SIZE(matches) + 1) * sizeof(Span));
    if (v == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t j = 0;
    for (; j < PyList_GET_SIZE(matches); j++) {
        if (unpack_match(PyList_GET_ITEM(matches, j), &v[j].s, &v[j].e, &v[j].i) < 0) {
            PyMem_Free(v);
            return NULL;
        }
    }
    *n = j;
    *owned = 1;
    return v;
}

PyDoc_STRVAR(mentions_doc,
"mentions(matches, original, starts, shifts, shift, folded, payload, cls, steps, make=None) -> list\n\n"
"(matches: a list of tuples, or find()'s packed bytes)\n"
"For each view match (s, e, i), with (a, b) its span in `original`:\n"
"cls((a + shift, b + shift, original[a:b]) + payload[i]), where, if anything\n"
"in the span was skipped or folded, payload[i][at] becomes by_mask[mask]:\n"
"steps = (static, by_mask, at, keys, width), mask = static[i] | 2 if a character\n"
"is a foldable form and width is on | 4 if skipped characters include whitespace | 8 if they\n"
"include a quotation mark. Where nothing was, the text is keys[i] itself\n"
"(keys: None where that may not hold; then it is the slice).\n"
"A payload[i] that is None is made by make(i) and kept there.\n"
"starts and shifts are buffers of Py_ssize_t. Twin of\n"
"termkit.match.annotator.Annotator._mentions_python.");

/* The index of the last of starts[:n] at or before x (-1 if none), walking
 * on from k, or bisecting if x lies before starts[k]. */
static Py_ssize_t run_before(const Py_ssize_t *starts, Py_ssize_t n, Py_ssize_t x, Py_ssize_t k)
{
    if (k >= 0 && starts[k] > x)
        return bisect_right(starts, n, x, 0) - 1;
    while (k + 1 < n && starts[k + 1] <= x)
        k++;
    return k;
}

static PyObject *mentions(PyObject *self, PyObject *args)
{
    PyObject *matches, *original, *payload, *cls, *by_mask, *keys, *make = Py_None, *fields = NULL, *steps = NULL,
             *out = NULL;
    Py_ssize_t shift, at, n = 0;
    int folded, width, owned = 0;
    Py_buffer bstarts = {0}, bshifts = {0}, statics = {0};
    Span *spans = NULL;
    if (!check_configured() ||
        !PyArg_ParseTuple(args, "OUy*y*npO!O!(y*O!nOp)|O", &matches, &original, &bstarts, &bshifts,
                          &shift, &folded, &PyList_Type, &payload, &PyType_Type, &cls, &statics, &PyList_Type,
                          &by_mask, &at, &keys, &width, &make))
        return NULL;
    if (keys != Py_None && !PyList_Check(keys)) {
        PyErr_SetString(PyExc_TypeError, "keys must be a list or None");
        goto done;
    }
    PyTypeObject *type = (PyTypeObject *)cls;
    const Py_ssize_t *starts = bstarts.buf, *shifts = bshifts.buf;
    Py_ssize_t nruns = bstarts.len / (Py_ssize_t)sizeof(Py_ssize_t);
    if (!PyType_IsSubtype(type, &PyTuple_Type) || type->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_SetString(PyExc_TypeError, "cls must be a tuple subclass without instance fields");
        goto done;
    }
    if (bstarts.len != bshifts.len || bstarts.len % sizeof(Py_ssize_t) || PyList_GET_SIZE(by_mask) < 32) {
        PyErr_SetString(PyExc_ValueError, "malformed starts, shifts or by_mask");
        goto done;
    }
    Py_ssize_t nforms = PyList_GET_SIZE(payload);
    if (shift < 0 || shift > PY_SSIZE_T_MAX / 2 - PyUnicode_GET_LENGTH(original)) {
        PyErr_SetString(PyExc_ValueError, "shift out of range");
        goto done;
    }
    if (nforms > statics.len || (keys != Py_None && nforms > PyList_GET_SIZE(keys))) {
        PyErr_SetString(PyExc_ValueError, "fewer static masks or keys than forms");
        goto done;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(original);
    int kind = PyUnicode_KIND(original);
    const void *data = PyUnicode_DATA(original);
    const unsigned char *static_mask = statics.buf;
    if ((spans = spans_of(matches, &n, &owned)) == NULL) goto done;
    out = PyList_New(n);
    if (out == NULL) goto done;
    Py_ssize_t k = -1;  /* the run before the last match's start */
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t s = spans[j].s, e = spans[j].e, i = spans[j].i, a, b, kb;
        if (i < 0 || i >= nforms || i >= PyList_GET_SIZE(payload) || s < 0 || e <= s) {
            PyErr_SetString(PyExc_ValueError, "match out of range");
            goto fail;
        }
        k = run_before(starts, nruns, s, k);
        kb = run_before(starts, nruns, e - 1, k);
        if ((k >= 0 && (shifts[k] < 0 || shifts[k] > len)) || (kb >= 0 && (shifts[kb] < 0 || shifts[kb] > len)) ||
            e > len) {
            PyErr_SetString(PyExc_ValueError, "view offsets out of range");
            goto fail;
        }
        a = s + (k >= 0 ? shifts[k] : 0);
        b = e + (kb >= 0 ? shifts[kb] : 0);
        /* fields and steps are held (not borrowed) through the iteration: make() or a
         * finalizer run by an allocation may change the lists they come from. */
        Py_CLEAR(fields);
        Py_CLEAR(steps);
        fields = PyList_GET_ITEM(payload, i);
        Py_INCREF(fields);
        if (fields == Py_None && make != Py_None) {
            /* A payload made on first use: most forms of a large glossary never occur. */
            Py_DECREF(fields);
            PyObject *index = PyLong_FromSsize_t(i);
            fields = index == NULL ? NULL : PyObject_CallOneArg(make, index);
            Py_XDECREF(index);
            if (fields == NULL) goto fail;
            if (i >= PyList_GET_SIZE(payload)) {
                PyErr_SetString(PyExc_ValueError, "make() changed the payload's length");
                goto fail;
            }
            Py_INCREF(fields);
            if (PyList_SetItem(payload, i, fields) < 0) goto fail;
        }
        if (a < 0 || b > len || b <= a || !PyTuple_Check(fields) || at < 0 || at >= PyTuple_GET_SIZE(fields)) {
            PyErr_SetString(PyExc_ValueError, "match out of range, or a malformed payload");
            goto fail;
        }
        PyObject *t = NULL;  /* steps: NULL for the form's own, in its payload */
        if (b - a != e - s || folded) {
            int mask = static_mask[i] & 31;
            for (Py_ssize_t x = a; x < b; x++) {
                unsigned char f = flags_of(PyUnicode_READ(kind, data, x));
                if ((f & F_FOLD) && width)
                    mask |= 2;
                if (b - a != e - s)
                    mask |= (f & F_SPACE ? 4 : 0) | (f & F_QUOTE ? 8 : 0);
            }
            if (mask >= PyList_GET_SIZE(by_mask)) {
                PyErr_SetString(PyExc_ValueError, "by_mask changed under mentions()");
                goto fail;
            }
            steps = PyList_GET_ITEM(by_mask, mask);
            Py_INCREF(steps);
            t = PyUnicode_Substring(original, a, b);
        } else if (keys != Py_None) {
            /* Nothing skipped or folded: original[a:b] is the key itself. */
            if (i >= PyList_GET_SIZE(keys)) {
                PyErr_SetString(PyExc_ValueError, "keys changed under mentions()");
                goto fail;
            }
            t = PyList_GET_ITEM(keys, i);
            Py_INCREF(t);
        } else {
            t = PyUnicode_Substring(original, a, b);
        }
        Py_ssize_t nf = PyTuple_GET_SIZE(fields);
        PyObject *m = type->tp_alloc(type, 3 + nf);
        if (m == NULL) {
            Py_XDECREF(t);
            goto fail;
        }
        /* Like a tuple of atomic values, a Mention cannot be part of a
         * reference cycle (its Term never refers back to it), so the cyclic
         * collector need not follow it: untracked, millions of Mentions held
         * in memory cost a collection nothing. */
        PyObject_GC_UnTrack(m);
        PyList_SET_ITEM(out, j, m);
        PyObject *x = PyLong_FromSsize_t(a + shift), *y = PyLong_FromSsize_t(b + shift);
        PyTuple_SET_ITEM(m, 0, x);
        PyTuple_SET_ITEM(m, 1, y);
        PyTuple_SET_ITEM(m, 2, t);
        if (x == NULL || y == NULL || t == NULL) goto fail;  /* m (in out) frees what was made */
        for (Py_ssize_t f = 0; f < nf; f++) {
            PyObject *v = (f == at && steps != NULL) ? steps : PyTuple_GET_ITEM(fields, f);
            Py_INCREF(v);
            PyTuple_SET_ITEM(m, 3 + f, v);
        }
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    Py_XDECREF(fields);
    Py_XDECREF(steps);
    if (owned) PyMem_Free(spans);
    PyBuffer_Release(&bstarts);
    PyBuffer_Release(&bshifts);
    PyBuffer_Release(&statics);
    return out;
}

/* -- columns of offsets: Annotator.find_spans --------------------------- */

PyDoc_STRVAR(spans_doc,
"spans(matches, starts, shifts, shift, index) -> (starts, ends, terms)\n\n"
"(matches: a list of tuples, or find()'s packed bytes)\n"
"For each view match (s, e, i), with (a, b) its span in the original text:\n"
"a + shift, b + shift and index[i], as three bytes objects of native int64\n"
"(for array('q')). starts, shifts and index are buffers of Py_ssize_t / int64.\n"
"Twin of termkit.match.annotator.Annotator._spans_python.");

static PyObject *spans(PyObject *self, PyObject *args)
{
    PyObject *matches, *result = NULL, *cols[3] = {NULL, NULL, NULL};
    Py_ssize_t shift, n = 0;
    Py_buffer bstarts = {0}, bshifts = {0}, bindex = {0};
    Span *v = NULL;
    int owned = 0;
    if (!PyArg_ParseTuple(args, "Oy*y*ny*", &matches, &bstarts, &bshifts, &shift, &bindex))
        return NULL;
    if ((v = spans_of(matches, &n, &owned)) == NULL) goto done;
    const Py_ssize_t *starts = bstarts.buf, *shifts = bshifts.buf;
    const long long *index = bindex.buf;
    Py_ssize_t nruns = bstarts.len / (Py_ssize_t)sizeof(Py_ssize_t), nforms = bindex.len / 8;
    if (bstarts.len != bshifts.len || bstarts.len % sizeof(Py_ssize_t) || bindex.len % 8) {
        PyErr_SetString(PyExc_ValueError, "malformed starts, shifts or index");
        goto done;
    }
    for (int c = 0; c < 3; c++)
        if ((cols[c] = PyBytes_FromStringAndSize(NULL, n * 8)) == NULL) goto done;
    long long *a = (long long *)PyBytes_AS_STRING(cols[0]), *b = (long long *)PyBytes_AS_STRING(cols[1]),
              *t = (long long *)PyBytes_AS_STRING(cols[2]);
    Py_ssize_t k = -1;  /* the run before the last match's start */
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t s = v[j].s, e = v[j].e, i = v[j].i;
        if (i < 0 || i >= nforms || s < 0 || e <= s) {
            PyErr_SetString(PyExc_ValueError, "match out of range");
            goto done;
        }
        k = run_before(starts, nruns, s, k);
        Py_ssize_t kb = run_before(starts, nruns, e - 1, k);
        a[j] = (long long)s + (k >= 0 ? shifts[k] : 0) + shift;
        b[j] = (long long)e + (kb >= 0 ? shifts[kb] : 0) + shift;
        t[j] = index[i];
    }
    result = PyTuple_Pack(3, cols[0], cols[1], cols[2]);
done:
    for (int c = 0; c < 3; c++)
        Py_XDECREF(cols[c]);
    if (owned) PyMem_Free(v);
    PyBuffer_Release(&bstarts);
    PyBuffer_Release(&bshifts);
    PyBuffer_Release(&bindex);
    return result;
}

/* -- trusting the engine's matches: Annotator._select ------------------- */

/* Flags per form in select()'s `checks`. */
#define ASCII_HEAD 1   /* starts with [A-Za-z0-9]: must not follow one */
#define ASCII_TAIL 2   /* ends with one: must not precede one */
#define CONTEXT 4      /* has a Context: contexts[i] = (quoted, followed_by, preceded_by) */

/* What select() judges candidates by. */
typedef struct {
    PyObject *text;                 /* the view's text */
    int kind;
    const void *data;
    Py_ssize_t len;
    PyObject *original;             /* the text the view was made of */
    const Py_ssize_t *starts, *shifts;
    Py_ssize_t nruns;
    const unsigned char *checks;
    Py_ssize_t nchecks;
    PyObject *contexts;             /* list: None or (quoted, followed_by, preceded_by) */
} Rules;

static Py_ssize_t to_original(const Rules *r, Py_ssize_t i)
{
    Py_ssize_t k = bisect_right(r->starts, r->nruns, i, 0) - 1;
    if (k < 0)
        return i;
    if (r->shifts[k] < 0 || r->shifts[k] > PY_SSIZE_T_MAX - i)  /* not a view's: fails the caller's range check */
        return PY_SSIZE_T_MAX;
    return i + r->shifts[k];
}

/* Whether the original span of view span [s, e) stands between quotation
 * marks, whitespace aside (termkit.match.annotator.Annotator._quoted). */
static int quoted(const Rules *r, Py_ssize_t s, Py_ssize_t e)
{
    int kind = PyUnicode_KIND(r->original);
    const void *data = PyUnicode_DATA(r->original);
    Py_ssize_t n = PyUnicode_GET_LENGTH(r->original);
    Py_ssize_t a = to_original(r, s) - 1, b = to_original(r, e - 1) + 1;
    if (a < -1 || b > n || b <= a + 1) {
        PyErr_SetString(PyExc_ValueError, "view offsets out of range");
        return -1;
    }
    while (a >= 0 && (flags_of(PyUnicode_READ(kind, data, a)) & F_SPACE))
        a--;
    while (b < n && (flags_of(PyUnicode_READ(kind, data, b)) & F_SPACE))
        b++;
    return a >= 0 && b < n && (flags_of(PyUnicode_READ(kind, data, a)) & F_QUOTE) &&
           (flags_of(PyUnicode_READ(kind, data, b)) & F_QUOTE);
}

/* Whether one of the strings of `tuple` ends at (direction +1) or starts at
 * (-1) position `at` of the view's text: 1, 0 or -1 on error. */
static int any_touches(const Rules *r, PyObject *tuple, Py_ssize_t at, int direction)
{
    if (!PyTuple_Check(tuple)) {
        PyErr_SetString(PyExc_TypeError, "context strings come in a tuple");
        return -1;
    }
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(tuple); j++) {
        Py_ssize_t hit = direction > 0 ? PyUnicode_Tailmatch(r->text, PyTuple_GET_ITEM(tuple, j), 0, at, 1)
                                       : PyUnicode_Tailmatch(r->text, PyTuple_GET_ITEM(tuple, j), at, PY_SSIZE_T_MAX, -1);
        if (hit != 0)
            return hit < 0 ? -1 : 1;
    }
    return 0;
}

/* Whether candidate c is valid (termkit.match.annotator.Annotator._valid): 1, 0 or -1. */
static int is_valid(const Rules *r, Span c)
{
    if (c.i < 0 || c.i >= r->nchecks || c.s < 0 || c.e > r->len || c.e <= c.s) {
        PyErr_SetString(PyExc_ValueError, "match out of range");
        return -1;
    }
    unsigned char f = r->checks[c.i];
    if ((f & ASCII_HEAD) && c.s > 0 && is_alnum(PyUnicode_READ(r->kind, r->data, c.s - 1)))
        return 0;
    if ((f & ASCII_TAIL) && c.e < r->len && is_alnum(PyUnicode_READ(r->kind, r->data, c.e)))
        return 0;
    if (!(f & CONTEXT))
        return 1;
    PyObject *ctx = c.i < PyList_GET_SIZE(r->contexts) ? PyList_GET_ITEM(r->contexts, c.i) : NULL;
    if (ctx == NULL || !PyTuple_Check(ctx) || PyTuple_GET_SIZE(ctx) != 6 || !PyBool_Check(PyTuple_GET_ITEM(ctx, 0))
        || !PyBool_Check(PyTuple_GET_ITEM(ctx, 1))) {
        PyErr_SetString(PyExc_ValueError, "a form with a context has no (quoted, constrained, followed_by, "
                        "preceded_by, not_followed_by, not_preceded_by)");
        return -1;
    }
    /* A veto first: not_followed_by, not_preceded_by. */
    int hit = any_touches(r, PyTuple_GET_ITEM(ctx, 4), c.e, -1);
    if (hit != 0)
        return hit < 0 ? -1 : 0;
    if ((hit = any_touches(r, PyTuple_GET_ITEM(ctx, 5), c.s, 1)) != 0)
        return hit < 0 ? -1 : 0;
    if (PyTuple_GET_ITEM(ctx, 1) != Py_True)  /* no constraint to meet */
        return 1;
    hit = PyTuple_GET_ITEM(ctx, 0) == Py_True ? quoted(r, c.s, c.e) : 0;
    if (hit != 0)
        return hit;
    if ((hit = any_touches(r, PyTuple_GET_ITEM(ctx, 2), c.e, -1)) != 0)
        return hit;
    return any_touches(r, PyTuple_GET_ITEM(ctx, 3), c.s, 1);
}

static int by_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static int by_start_then_longest(const void *x, const void *y)
{
    const Span *a = x, *b = y;
    if (a->s != b->s) return a->s < b->s ? -1 : 1;
    if (a->e != b->e) return a->e > b->e ? -1 : 1;
    return 0;
}

static int append_span(PyObject *out, Span c)
{
    PyObject *m = Py_BuildValue("(nnn)", c.s, c.e, c.i);
    if (m == NULL) return -1;
    int r = PyList_Append(out, m);
    Py_DECREF(m);
    return r;
}

PyDoc_STRVAR(select_doc,
"select(greedy, p, hi, view, rules, overlapping, maxlen) -> list\n\n"
"The leftmost-longest selection among the valid candidates in view.text\n"
"starting in [p, hi), from the engine's own leftmost-longest matches\n"
"`greedy`, redone in a window of `overlapping(text[p:end])` where one is\n"
"rejected. rules = (checks, contexts): checks[i] 1 ASCII head, 2 ASCII\n"
"tail, 4 context, in contexts[i] = (quoted, constrained, followed_by,\n"
"preceded_by, not_followed_by, not_preceded_by).\n"
"Twin of termkit.match.annotator.Annotator._select_python.");

static PyObject *select_(PyObject *self, PyObject *args)
{
    PyObject *list, *greedy = NULL, *view, *contexts, *overlapping, *text = NULL, *original = NULL,
             *ostarts = NULL, *oshifts = NULL;
    Py_ssize_t p, hi, maxlen;
    Py_buffer checks = {0}, starts = {0}, shifts = {0};
    Span *cands = NULL;
    PyObject *out = NULL;
    if (!check_configured() ||
        !PyArg_ParseTuple(args, "O!nnO(y*O!)On", &PyList_Type, &list, &p, &hi, &view, &checks, &PyList_Type,
                          &contexts, &overlapping, &maxlen))
        return NULL;
    /* A tuple of the matches: the callbacks cannot change it under us. */
    greedy = PyList_AsTuple(list);
    if (greedy == NULL) goto fail;
    text = PyObject_GetAttrString(view, "text");
    original = PyObject_GetAttrString(view, "original");
    ostarts = PyObject_GetAttrString(view, "starts");
    oshifts = PyObject_GetAttrString(view, "shifts");
    if (text == NULL || original == NULL || ostarts == NULL || oshifts == NULL) goto fail;
    if (!PyUnicode_Check(text) || !PyUnicode_Check(original)) {
        PyErr_SetString(PyExc_TypeError, "a view's text and original are str");
        goto fail;
    }
    if (PyObject_GetBuffer(ostarts, &starts, PyBUF_SIMPLE) < 0 || PyObject_GetBuffer(oshifts, &shifts, PyBUF_SIMPLE) < 0)
        goto fail;
    if (starts.len != shifts.len || starts.len % sizeof(Py_ssize_t)) {
        PyErr_SetString(PyExc_ValueError, "malformed view offsets");
        goto fail;
    }
    Rules rules = {text, PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), original,
                   starts.buf, shifts.buf, starts.len / (Py_ssize_t)sizeof(Py_ssize_t), checks.buf, checks.len,
                   contexts};
    Py_ssize_t n = PyTuple_GET_SIZE(greedy), len = rules.len;
    if (maxlen < 1 || maxlen > PY_SSIZE_T_MAX / 4 || len > PY_SSIZE_T_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "maxlen out of range");
        goto fail;
    }
    out = PyList_New(0);
    if (out == NULL) goto fail;
    Py_ssize_t k = 0;
    Span g;
    while (k < n) {
        if (unpack_match(PyTuple_GET_ITEM(greedy, k), &g.s, &g.e, &g.i) < 0) goto fail;
        if (g.e > p) break;
        k++;
    }
    while (k < n) {
        PyObject *item = PyTuple_GET_ITEM(greedy, k);
        if (unpack_match(item, &g.s, &g.e, &g.i) < 0) goto fail;
        if (g.s >= hi)
            break;
        if (g.s >= p) {
            int ok = is_valid(&rules, g);
            if (ok < 0) goto fail;
            if (ok) {
                if (PyList_Append(out, item) < 0) goto fail;
                p = g.e;
                k++;
                continue;
            }
        }
        /* Redo the selection in a window from p. */
        Py_ssize_t limit = Py_MIN(len, Py_MAX(g.e, p) + maxlen);
        Py_ssize_t end = Py_MIN(len, limit + maxlen), cut = Py_MIN(limit, hi);
        PyObject *window = PyUnicode_Substring(text, p, end);
        if (window == NULL) goto fail;
        PyObject *found = PyObject_CallOneArg(overlapping, window);
        Py_DECREF(window);
        if (found == NULL) goto fail;
        if (!PyList_Check(found)) {
            Py_DECREF(found);
            PyErr_SetString(PyExc_TypeError, "overlapping() must return a list");
            goto fail;
        }
        Py_ssize_t nf = PyList_GET_SIZE(found), nc = 0;
        PyMem_Free(cands);
        cands = PyMem_Malloc((nf ? nf : 1) * sizeof(Span));
        if (cands == NULL) {
            Py_DECREF(found);
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t j = 0; j < nf; j++) {
            Span c;
            if (unpack_match(PyList_GET_ITEM(found, j), &c.s, &c.e, &c.i) < 0) {
                Py_DECREF(found);
                goto fail;
            }
            c.s += p;
            c.e += p;
            if (c.s >= cut)
                continue;
            int ok = is_valid(&rules, c);
            if (ok < 0) {
                Py_DECREF(found);
                goto fail;
            }
            if (ok)
                cands[nc++] = c;
        }
        Py_DECREF(found);
        qsort(cands, nc, sizeof(Span), by_start_then_longest);
        Py_ssize_t last = 0;
        for (Py_ssize_t j = 0; j < nc; j++) {
            if (cands[j].s >= last) {
                if (append_span(out, cands[j]) < 0) goto fail;
                last = p = cands[j].e;
            }
        }
        p = Py_MAX(p, limit);
        if (p >= hi)
            break;
        while (k < n) {
            if (unpack_match(PyTuple_GET_ITEM(greedy, k), &g.s, &g.e, &g.i) < 0) goto fail;
            if (g.s >= p) break;
            k++;
        }
        if (k) {  /* an engine match crossing p: redo the window from p */
            if (unpack_match(PyTuple_GET_ITEM(greedy, k - 1), &g.s, &g.e, &g.i) < 0) goto fail;
            if (g.e > p) k--;
        }
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    PyMem_Free(cands);
    PyBuffer_Release(&checks);
    if (starts.obj) PyBuffer_Release(&starts);
    if (shifts.obj) PyBuffer_Release(&shifts);
    Py_XDECREF(greedy);
    Py_XDECREF(text);
    Py_XDECREF(original);
    Py_XDECREF(ostarts);
    Py_XDECREF(oshifts);
    return out;
}

/* -- jsonl: the records of mentions, written in one string ---------------- */

static Py_ssize_t digits(Py_ssize_t v) /* decimal digits of v >= 0 */
{
    Py_ssize_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static Py_ssize_t put_digits(int kind, void *data, Py_ssize_t pos, Py_ssize_t v)
{
    Py_ssize_t n = digits(v);
    for (Py_ssize_t i = pos + n - 1; i >= pos; i--) {
        PyUnicode_WRITE(kind, data, i, '0' + (Py_UCS4)(v % 10));
        v /= 10;
    }
    return pos + n;
}

static int offset_of(PyObject *o, Py_ssize_t *v)
{
    PyObject *index = PyNumber_Index(o);  /* an int, or what says it is one (numpy's) */
    if (index == NULL) return -1;
    *v = PyLong_AsSsize_t(index);
    Py_DECREF(index);
    if (*v == -1 && PyErr_Occurred()) return -1;
    if (*v < 0) {
        PyErr_SetString(PyExc_ValueError, "a negative offset");
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(jsonl_doc,
"jsonl(mentions, head, rests, rest, spans) -> str\n\n"
"The jsonl records of `mentions` (a list of Mention tuples), one string:\n"
"for each, `head`, its start, ', \"end\": ', its end, ', ' and rests[shared],\n"
"where shared = (text, id, key, headword, definition, form, normalizations,\n"
"candidates, ambiguous), made by rest(shared) where missing (and kept in\n"
"the dict `rests`). The offsets are the mention's, or spans[n] (a pair) where\n"
"`spans` is a list. Twin of termkit.render._jsonl_records_python.");

static PyObject *jsonl(PyObject *self, PyObject *args)
{
    static const char mid[] = ", \"end\": ";
    const Py_ssize_t nmid = sizeof(mid) - 1;
    PyObject *list, *head, *rests, *make, *spans, *parts = NULL, *out = NULL;
    Py_ssize_t *offs = NULL;
    if (!PyArg_ParseTuple(args, "O!UO!OO", &PyList_Type, &list, &head, &PyDict_Type, &rests, &make, &spans))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (spans != Py_None && (!PyList_Check(spans) || PyList_GET_SIZE(spans) != n)) {
        PyErr_SetString(PyExc_TypeError, "spans must be None or a list of one pair per mention");
        return NULL;
    }
    /* Tuples of the mentions and spans: `rest` cannot change them under us. */
    PyObject *mentions = PyList_AsTuple(list);
    if (mentions == NULL) return NULL;
    if (spans != Py_None && (spans = PyList_AsTuple(spans)) == NULL) {
        Py_DECREF(mentions);
        return NULL;
    }
    parts = PyList_New(n);
    offs = PyMem_Malloc((n ? 2 * n : 1) * sizeof(Py_ssize_t));
    if (parts == NULL || offs == NULL) {
        if (offs == NULL) PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t nhead = PyUnicode_GET_LENGTH(head), total = 0;
    Py_UCS4 maxchar = Py_MAX(PyUnicode_MAX_CHAR_VALUE(head), 127);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *m = PyTuple_GET_ITEM(mentions, k);
        if (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) < 12) {
            PyErr_SetString(PyExc_TypeError, "a mention is a tuple of 12 fields");
            goto done;
        }
        PyObject *shared = PyTuple_New(9);
        if (shared == NULL) goto done;
        for (Py_ssize_t j = 0; j < 9; j++) {
            PyObject *v = PyTuple_GET_ITEM(m, j < 7 ? j + 2 : j + 3);
            Py_INCREF(v);
            PyTuple_SET_ITEM(shared, j, v);
        }
        PyObject *rest = PyDict_GetItemWithError(rests, shared);
        if (rest != NULL) {
            Py_INCREF(rest);
        } else if (!PyErr_Occurred()) {
            rest = PyObject_CallOneArg(make, shared);
            if (rest != NULL && PyDict_SetItem(rests, shared, rest) < 0) Py_CLEAR(rest);
        }
        Py_DECREF(shared);
        if (rest == NULL) goto done;
        PyList_SET_ITEM(parts, k, rest);
        if (!PyUnicode_Check(rest)) {
            PyErr_SetString(PyExc_TypeError, "rest() must return a str");
            goto done;
        }
        PyObject *a, *b;
        if (spans == Py_None) {
            a = PyTuple_GET_ITEM(m, 0);
            b = PyTuple_GET_ITEM(m, 1);
        } else {
            PyObject *pair = PyTuple_GET_ITEM(spans, k);
            if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
                PyErr_SetString(PyExc_TypeError, "a span is a pair of offsets");
                goto done;
            }
            a = PyTuple_GET_ITEM(pair, 0);
            b = PyTuple_GET_ITEM(pair, 1);
        }
        if (offset_of(a, &offs[2 * k]) < 0 || offset_of(b, &offs[2 * k + 1]) < 0) goto done;
        total += nhead + digits(offs[2 * k]) + nmid + digits(offs[2 * k + 1]) + 2 + PyUnicode_GET_LENGTH(rest);
        maxchar = Py_MAX(maxchar, PyUnicode_MAX_CHAR_VALUE(rest));
    }
    out = PyUnicode_New(total, maxchar);
    if (out == NULL) goto done;
    int kind = PyUnicode_KIND(out);
    void *data = PyUnicode_DATA(out);
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *rest = PyList_GET_ITEM(parts, k);
        if (PyUnicode_CopyCharacters(out, pos, head, 0, nhead) < 0) goto fail;
        pos = put_digits(kind, data, pos + nhead, offs[2 * k]);
        for (Py_ssize_t j = 0; j < nmid; j++)
            PyUnicode_WRITE(kind, data, pos + j, (Py_UCS4)mid[j]);
        pos = put_digits(kind, data, pos + nmid, offs[2 * k + 1]);
        PyUnicode_WRITE(kind, data, pos, ',');
        PyUnicode_WRITE(kind, data, pos + 1, ' ');
        pos += 2;
        Py_ssize_t len = PyUnicode_GET_LENGTH(rest);
        if (PyUnicode_CopyCharacters(out, pos, rest, 0, len) < 0) goto fail;
        pos += len;
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    PyMem_Free(offs);
    Py_XDECREF(parts);
    Py_DECREF(mentions);
    if (spans != Py_None) Py_DECREF(spans);
    return out;
}

/* -- termkit's own Aho-Corasick automaton: NativeEngine ----------------- */

/* Code points are mapped to dense codes 1..K, the most frequent in the keys
 * first (0: in no key), through pages of 256; a lone surrogate reads as
 * U+FFFD, as the other engines read it. The states are the cells of a double
 * array: the child of state s on code c is cell base[s] + c where that
 * cell's check is s. One cell holds all that the scan reads of a state, so
 * a step costs one cache line where it finds its child. */
#define NPAGES (0x110000 >> 8)
#define EMPTY UINT32_MAX

typedef struct {
    uint32_t base, check, fail;
    uint32_t report;  /* 1 + the key ending at the first state on the failure chain (itself included)
                         that ends one, or 0 */
} Cell;

typedef struct {
    uint32_t len;     /* the key's length */
    uint32_t next;    /* 1 + the key ending at the next state on the failure chain that ends one, or 0 */
} Output;

typedef struct {
    PyObject_HEAD
    Py_ssize_t nkeys, maxlen;
    uint32_t ncells, ncodes, npages;
    int32_t page[NPAGES];   /* code point >> 8 -> its page in codes[], or -1 */
    uint32_t *codes;        /* npages * 256 codes */
    Cell *cells;            /* ncells >= every base + ncodes */
    Output *outs;           /* 1 + nkeys: per key + 1 */
} Automaton;

static inline uint32_t code_of(const Automaton *a, Py_UCS4 c)
{
    int32_t pg = a->page[c >> 8];
    return pg < 0 ? 0 : a->codes[((size_t)pg << 8) | (c & 255)];
}

/* The state after s on code c, failure links followed. */
static inline uint32_t step(const Cell *cells, uint32_t s, uint32_t c)
{
    if (c == 0) return 0;
    for (;;) {
        uint32_t x = cells[s].base + c;
        if (cells[x].check == s) return x;
        if (s == 0) return 0;
        s = cells[s].fail;
    }
}

/* The trie while it is built: children in an open-addressing table on (state, code). */
typedef struct {
    uint32_t state, code, target;  /* state 0: an empty slot (the root's children are in root[]) */
} Edge;

typedef struct {
    Edge *edges;
    size_t n, mask;
    int shift;
    uint32_t *root;
} Trie;

static inline size_t slot_of(const Trie *t, uint32_t s, uint32_t c)
{
    return (size_t)(((((uint64_t)s << 32) | c) * 0x9E3779B97F4A7C15ull) >> t->shift);
}

static uint32_t trie_child(const Trie *t, uint32_t s, uint32_t c)
{
    if (s == 0) return t->root[c];
    for (size_t h = slot_of(t, s, c);; h = (h + 1) & t->mask) {
        const Edge *x = &t->edges[h];
        if (x->state == s && x->code == c) return x->target;
        if (x->state == 0) return 0;
    }
}

static int trie_resize(Trie *t, size_t slots)
{
    Edge *old = t->edges, *e = PyMem_Calloc(slots, sizeof(Edge));
    size_t n = old ? t->mask + 1 : 0;
    if (e == NULL) return -1;
    t->edges = e;
    t->mask = slots - 1;
    t->shift = 64;
    for (size_t x = slots; x > 1; x >>= 1) t->shift--;
    for (size_t k = 0; k < n; k++) {
        if (old[k].state == 0) continue;
        size_t h = slot_of(t, old[k].state, old[k].code);
        while (e[h].state) h = (h + 1) & t->mask;
        e[h] = old[k];
    }
    PyMem_Free(old);
    return 0;
}

static int trie_add(Trie *t, uint32_t s, uint32_t c, uint32_t child)
{
    if (s == 0) {
        t->root[c] = child;
        return 0;
    }
    if (2 * (t->n + 1) > t->mask + 1 && trie_resize(t, 2 * (t->mask + 1)) < 0) return -1;
    size_t h = slot_of(t, s, c);
    while (t->edges[h].state) h = (h + 1) & t->mask;
    t->edges[h] = (Edge){s, c, child};
    t->n++;
    return 0;
}

static void automaton_dealloc(Automaton *a)
{
    PyMem_Free(a->codes);
    PyMem_Free(a->cells);
    PyMem_Free(a->outs);
    PyObject_Free(a);
}

static inline Py_UCS4 key_char(Py_UCS4 c)
{
    return Py_UNICODE_IS_SURROGATE(c) ? 0xFFFD : c;
}

static PyTypeObject AutomatonType;

static int grow(void **v, size_t cap, size_t size)
{
    void *p = PyMem_Realloc(*v, (cap ? cap : 1) * size);
    if (p == NULL) return -1;
    *v = p;
    return 0;
}

/* The codes: by frequency in the keys, most frequent first (then by code point). */
static int make_codes(Automaton *a, PyObject *keys)
{
    Py_ssize_t nkeys = PyList_GET_SIZE(keys);
    uint32_t next = 1, *count = NULL;
    Py_UCS4 *chars = NULL;
    for (Py_ssize_t k = 0; k < nkeys; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        for (Py_ssize_t j = 0; j < n; j++) {
            Py_UCS4 c = key_char(PyUnicode_READ_CHAR(key, j));
            if (a->page[c >> 8] < 0) {
                if (grow((void **)&a->codes, (size_t)(a->npages + 1) << 8, sizeof(uint32_t)) < 0) goto nomem;
                memset(a->codes + ((size_t)a->npages << 8), 0, 256 * sizeof(uint32_t));
                a->page[c >> 8] = a->npages++;
            }
            uint32_t *x = &a->codes[((size_t)a->page[c >> 8] << 8) | (c & 255)];
            if (*x == 0) {
                if (grow((void **)&count, next + 1, 4) < 0 || grow((void **)&chars, next + 1, 4) < 0) goto nomem;
                chars[next] = c;
                count[next] = 0;
                *x = next++;
            }
            count[*x]++;
        }
    }
    a->ncodes = next;
    /* Renumber by frequency: a selection sort would do for few; qsort on (count, char) pairs. */
    uint64_t *byfreq = PyMem_Malloc(next * sizeof(uint64_t));
    if (byfreq == NULL) goto nomem;
    for (uint32_t x = 1; x < next; x++)
        byfreq[x] = ((uint64_t)(UINT32_MAX - count[x]) << 32) | x;
    qsort(byfreq + 1, next - 1, sizeof(uint64_t), by_u64);
    for (uint32_t r = 1; r < next; r++) {
        Py_UCS4 c = chars[(uint32_t)byfreq[r]];
        a->codes[((size_t)a->page[c >> 8] << 8) | (c & 255)] = r;
    }
    PyMem_Free(byfreq);
    uint32_t fffd = code_of(a, 0xFFFD);
    if (fffd) {  /* every surrogate reads as U+FFFD */
        if (grow((void **)&a->codes, (size_t)(a->npages + 1) << 8, sizeof(uint32_t)) < 0) goto nomem;
        for (int j = 0; j < 256; j++) a->codes[((size_t)a->npages << 8) | j] = fffd;
        for (int p = 0xD8; p < 0xE0; p++) a->page[p] = a->npages;
        a->npages++;
    }
    PyMem_Free(count);
    PyMem_Free(chars);
    return 0;
nomem:
    PyErr_NoMemory();
    PyMem_Free(count);
    PyMem_Free(chars);
    return -1;
}

/* Room for cells up to n (exclusive), the new ones empty and on the free list. */
typedef struct {
    int32_t *next, *prev;   /* the free cells still searched, a doubly linked list */
    unsigned char *tries;   /* per cell, how often a search failed there */
    int32_t head, tail;
} Free;

static int cells_reserve(Automaton *a, Free *fr, size_t n)
{
    if (n <= a->ncells) return 0;
    size_t cap = a->ncells ? a->ncells : 1024;
    while (cap < n) cap *= 2;
    if (cap >= INT32_MAX || grow((void **)&a->cells, cap, sizeof(Cell)) < 0 ||
        grow((void **)&fr->next, cap, 4) < 0 || grow((void **)&fr->prev, cap, 4) < 0 ||
        grow((void **)&fr->tries, cap, 1) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t x = a->ncells; x < cap; x++) {
        a->cells[x] = (Cell){0, EMPTY, 0, 0};
        fr->next[x] = -1;
        fr->tries[x] = 0;
        fr->prev[x] = fr->tail;
        if (fr->tail >= 0) fr->next[fr->tail] = (int32_t)x; else fr->head = (int32_t)x;
        fr->tail = (int32_t)x;
    }
    a->ncells = (uint32_t)cap;
    return 0;
}

static void cell_take(Free *fr, int32_t x)
{
    if (fr->prev[x] >= 0) fr->next[fr->prev[x]] = fr->next[x]; else fr->head = fr->next[x];
    if (fr->next[x] >= 0) fr->prev[fr->next[x]] = fr->prev[x]; else fr->tail = fr->prev[x];
}

PyDoc_STRVAR(automaton_doc,
"automaton(keys) -> Automaton\n\n"
"An Aho-Corasick automaton of `keys` (a list of distinct non-empty str),\n"
"for termkit.match.engine.NativeEngine: its longest(text) and\n"
"overlapping(text) give (start, end, key index) tuples, and find() reads it.");

static PyObject *automaton_new(PyObject *self, PyObject *args)
{
    PyObject *keys;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &keys))
        return NULL;
    Py_ssize_t nkeys = PyList_GET_SIZE(keys), total = 0;
    for (Py_ssize_t k = 0; k < nkeys; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0) {
            PyErr_SetString(PyExc_ValueError, "the keys must be non-empty str");
            return NULL;
        }
        total += PyUnicode_GET_LENGTH(key);
    }
    if (total >= INT32_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "too many keys");
        return NULL;
    }
    Automaton *a = PyObject_New(Automaton, &AutomatonType);
    if (a == NULL) return NULL;
    memset((char *)a + sizeof(PyObject), 0, sizeof(Automaton) - sizeof(PyObject));
    for (size_t p = 0; p < NPAGES; p++) a->page[p] = -1;
    a->nkeys = nkeys;
    Trie trie = {NULL, 0, 0, 0, NULL};
    Free fr = {NULL, NULL, NULL, -1, -1};
    uint32_t *parent = NULL, *pcode = NULL, *depth = NULL, *order = NULL, *count = NULL, *first = NULL,
             *kids = NULL, *pos = NULL;
    int32_t *out = NULL;
    if (make_codes(a, keys) < 0) goto fail;
    /* The trie, its states numbered as they come. */
    size_t cap = (size_t)total + 1;
    if ((trie.root = PyMem_Calloc(a->ncodes, sizeof(uint32_t))) == NULL || grow((void **)&out, cap, 4) < 0 ||
        (a->outs = PyMem_Calloc((size_t)nkeys + 1, sizeof(Output))) == NULL || grow((void **)&parent, cap, 4) < 0 ||
        grow((void **)&pcode, cap, 4) < 0 || grow((void **)&depth, cap, 4) < 0 || trie_resize(&trie, 1024) < 0)
        goto nomem;
    uint32_t ns = 1;
    out[0] = -1;
    depth[0] = 0;
    for (Py_ssize_t k = 0; k < nkeys; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        uint32_t s = 0;
        if (n > a->maxlen) a->maxlen = n;
        for (Py_ssize_t j = 0; j < n; j++) {
            uint32_t c = code_of(a, key_char(PyUnicode_READ_CHAR(key, j)));
            uint32_t t = trie_child(&trie, s, c);
            if (t == 0) {
                t = ns++;
                parent[t] = s;
                pcode[t] = c;
                depth[t] = depth[s] + 1;
                out[t] = -1;
                if (trie_add(&trie, s, c, t) < 0) goto nomem;
            }
            s = t;
        }
        if (out[s] >= 0) {
            PyErr_Format(PyExc_ValueError, "the keys must be distinct (key %zd repeats key %d)", k, out[s]);
            goto fail;
        }
        out[s] = (int32_t)k;
        a->outs[k + 1].len = (uint32_t)n;
    }
    PyMem_Free(trie.edges);
    PyMem_Free(trie.root);
    trie.edges = NULL;
    trie.root = NULL;
    /* The states breadth first (by depth), and each one's children by code. */
    if (grow((void **)&order, ns, 4) < 0 || grow((void **)&kids, ns, 4) < 0 || grow((void **)&pos, ns, 4) < 0 ||
        (count = PyMem_Calloc((size_t)Py_MAX(a->maxlen + 2, a->ncodes + 1), 4)) == NULL ||
        (first = PyMem_Calloc((size_t)ns + 1, 4)) == NULL)
        goto nomem;
    for (uint32_t t = 0; t < ns; t++) count[depth[t] + 1]++;
    for (Py_ssize_t d = 1; d <= a->maxlen + 1; d++) count[d] += count[d - 1];
    for (uint32_t t = 0; t < ns; t++) order[count[depth[t]]++] = t;
    memset(count, 0, (size_t)Py_MAX(a->maxlen + 2, a->ncodes + 1) * 4);
    for (uint32_t t = 1; t < ns; t++) count[pcode[t]]++;  /* by code, then (stably) by parent */
    for (uint32_t c = 1; c <= a->ncodes; c++) count[c] += count[c - 1];
    for (uint32_t t = ns - 1; t >= 1; t--) depth[--count[pcode[t]]] = t;  /* (depth[] reused: by code) */
    for (uint32_t t = 1; t < ns; t++) first[parent[t] + 1]++;
    for (uint32_t s = 1; s <= ns; s++) first[s] += first[s - 1];
    for (uint32_t x = 0; x + 1 < ns; x++) {
        uint32_t t = depth[x];
        kids[first[parent[t]]++] = t;
    }
    for (uint32_t s = ns; s >= 1; s--) first[s] = first[s - 1];
    first[0] = 0;
    /* Place them: each state's children in the first free cells that fit. */
    if (cells_reserve(a, &fr, (size_t)a->ncodes + 1) < 0) goto fail;
    cell_take(&fr, 0);
    a->cells[0].check = 0;  /* the root */
    pos[0] = 0;
    for (uint32_t x = 0; x < ns; x++) {
        uint32_t s = order[x], *ks = kids + first[s], m = first[s + 1] - first[s];
        if (m == 0) continue;
        uint32_t c0 = pcode[ks[0]], b;
        for (int32_t f = fr.head, g;; f = g) {
            if (f < 0) {  /* no free cell fits: more cells */
                int32_t tail = fr.tail;
                if (cells_reserve(a, &fr, (size_t)a->ncells * 2) < 0) goto fail;
                f = tail >= 0 ? fr.next[tail] : fr.head;
            }
            if ((uint32_t)f < c0) {
                g = fr.next[f];
                continue;
            }
            b = f - c0;
            if (cells_reserve(a, &fr, (size_t)b + pcode[ks[m - 1]] + 1) < 0) goto fail;
            g = fr.next[f];
            uint32_t k = 1;
            while (k < m && a->cells[b + pcode[ks[k]]].check == EMPTY) k++;
            if (k == m) break;
            if (++fr.tries[f] >= 16)  /* tried often enough: searched no more (but free) */
                cell_take(&fr, f);
        }
        a->cells[pos[s]].base = b;
        for (uint32_t k = 0; k < m; k++) {
            uint32_t y = b + pcode[ks[k]];
            if (fr.tries[y] < 16) cell_take(&fr, (int32_t)y);
            a->cells[y].check = pos[s];
            pos[ks[k]] = y;
        }
    }
    size_t need = 0;  /* every cell used, and every base + code, within the array; no more */
    for (uint32_t y = 0; y < a->ncells; y++)
        if (a->cells[y].check != EMPTY)
            need = Py_MAX(need, Py_MAX((size_t)y + 1, (size_t)a->cells[y].base + a->ncodes + 1));
    if (cells_reserve(a, &fr, need) < 0) goto fail;
    if (need < a->ncells && grow((void **)&a->cells, need, sizeof(Cell)) == 0)
        a->ncells = (uint32_t)need;
    /* The failure and output links, breadth first. */
    Cell *cells = a->cells;
    for (uint32_t x = 1; x < ns; x++) {
        uint32_t t = order[x], y = pos[t], p = pos[parent[t]];
        uint32_t f = p ? step(cells, cells[p].fail, pcode[t]) : 0;
        cells[y].fail = f;
        cells[y].report = out[t] >= 0 ? (uint32_t)out[t] + 1 : cells[f].report;
        if (out[t] >= 0)
            a->outs[out[t] + 1].next = cells[f].report;
    }
    goto done;
nomem:
    PyErr_NoMemory();
fail:
    Py_CLEAR(a);
done:
    PyMem_Free(trie.edges);
    PyMem_Free(trie.root);
    PyMem_Free(fr.next);
    PyMem_Free(fr.prev);
    PyMem_Free(fr.tries);
    PyMem_Free(parent);
    PyMem_Free(pcode);
    PyMem_Free(depth);
    PyMem_Free(order);
    PyMem_Free(count);
    PyMem_Free(first);
    PyMem_Free(kids);
    PyMem_Free(pos);
    PyMem_Free(out);
    return (PyObject *)a;
}

/* A growing array of spans. */
typedef struct {
    Span *v;
    Py_ssize_t n, cap;
} SpanArray;

static int span_push(SpanArray *o, Py_ssize_t s, Py_ssize_t e, Py_ssize_t i)
{
    if (o->n == o->cap) {
        Py_ssize_t cap = o->cap ? 2 * o->cap : 1024;
        Span *v = PyMem_Realloc(o->v, cap * sizeof(Span));
        if (v == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = (Span){s, e, i};
    return 0;
}

static int by_start_then_end(const void *x, const void *y)
{
    const Span *a = x, *b = y;
    if (a->s != b->s) return a->s < b->s ? -1 : 1;
    if (a->e != b->e) return a->e < b->e ? -1 : 1;
    return 0;
}

/* What one scan looks for: the candidates starting in [lo, hi) of the text,
 * valid by `rules` (NULL: all are), either all of them (overlapping) or the
 * leftmost-longest selection among them. */
typedef struct {
    const Automaton *a;
    const Rules *rules;
    Py_ssize_t lo, hi;
    int overlapping;
} Job;

/* The selection keeps, per start, the longest valid candidate in a ring of
 * maxlen + 1 slots; a start is settled once the scan is maxlen past it, and
 * taken if no candidate taken before reaches over it. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int scan(const Job *job, int kind, const void *data, Py_ssize_t len, Span *ring, size_t rmask,
                       SpanArray *out)
{
    const Automaton *a = job->a;
    const Cell *cells = a->cells;
    const Output *outs = a->outs;
    const Rules *rules = job->rules;
    Py_ssize_t maxlen = a->maxlen, lo = job->lo, hi = job->hi, p = lo;
    Py_ssize_t to = Py_MIN(len, hi + maxlen - 1);
    int overlapping = job->overlapping;
    uint32_t s = 0;
    for (Py_ssize_t j = lo; j < to; j++) {
        if (!overlapping && j - maxlen >= lo) {
            Span *r = &ring[(j - maxlen) & rmask];
            if (r->e) {
                if (r->s >= p) {
                    if (span_push(out, r->s, r->e, r->i) < 0) return -1;
                    p = r->e;
                }
                r->e = 0;
            }
        }
        s = step(cells, s, code_of(a, PyUnicode_READ(kind, data, j)));
        for (uint32_t u = cells[s].report; u; u = outs[u].next) {
            Py_ssize_t k = u - 1, e = j + 1, b = e - outs[u].len;
            if (b >= hi) break;  /* (the next are shorter: they start later) */
            if (!overlapping && b < p) continue;
            if (rules && rules->checks[k]) {
                int ok = is_valid(rules, (Span){b, e, k});
                if (ok < 0) return -1;
                if (!ok) continue;
            }
            if (overlapping) {
                if (span_push(out, b, e, k) < 0) return -1;
            } else {
                ring[b & rmask] = (Span){b, e, k};  /* longer than any before it at b */
            }
        }
    }
    if (overlapping) {
        qsort(out->v, out->n, sizeof(Span), by_start_then_end);
        return 0;
    }
    for (Py_ssize_t f = Py_MAX(lo, to - maxlen); f < to; f++) {
        Span *r = &ring[f & rmask];
        if (r->e) {
            if (r->s >= p) {
                if (span_push(out, r->s, r->e, r->i) < 0) return -1;
                p = r->e;
            }
            r->e = 0;
        }
    }
    return 0;
}

/* Run a job over text into out. */
static int run(const Job *job, PyObject *text, SpanArray *out)
{
    const Automaton *a = job->a;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (a->nkeys == 0 || job->lo >= job->hi || job->lo >= len)
        return 0;
    size_t rsize = 1;
    while (rsize < (size_t)a->maxlen + 1) rsize <<= 1;
    Span *ring = job->overlapping ? NULL : PyMem_Calloc(rsize, sizeof(Span));
    if (!job->overlapping && ring == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    const void *data = PyUnicode_DATA(text);
    int r;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: r = scan(job, PyUnicode_1BYTE_KIND, data, len, ring, rsize - 1, out); break;
    case PyUnicode_2BYTE_KIND: r = scan(job, PyUnicode_2BYTE_KIND, data, len, ring, rsize - 1, out); break;
    default: r = scan(job, PyUnicode_4BYTE_KIND, data, len, ring, rsize - 1, out); break;
    }
    PyMem_Free(ring);
    return r;
}

static PyObject *span_list(const SpanArray *o)
{
    PyObject *list = PyList_New(o->n);
    if (list == NULL) return NULL;
    for (Py_ssize_t j = 0; j < o->n; j++) {
        PyObject *m = PyTuple_New(3);
        if (m == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, j, m);
        PyObject *x = PyLong_FromSsize_t(o->v[j].s), *y = PyLong_FromSsize_t(o->v[j].e),
                 *z = PyLong_FromSsize_t(o->v[j].i);
        PyTuple_SET_ITEM(m, 0, x);
        PyTuple_SET_ITEM(m, 1, y);
        PyTuple_SET_ITEM(m, 2, z);
        if (x == NULL || y == NULL || z == NULL) {
            Py_DECREF(list);
            return NULL;
        }
    }
    return list;
}

static PyObject *automaton_matches(Automaton *a, PyObject *args, int overlapping)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    Job job = {a, NULL, 0, PyUnicode_GET_LENGTH(text), overlapping};
    SpanArray out = {NULL, 0, 0};
    PyObject *r = run(&job, text, &out) < 0 ? NULL : span_list(&out);
    PyMem_Free(out.v);
    return r;
}

static PyObject *automaton_longest(PyObject *a, PyObject *args)
{
    return automaton_matches((Automaton *)a, args, 0);
}

static PyObject *automaton_overlapping(PyObject *a, PyObject *args)
{
    return automaton_matches((Automaton *)a, args, 1);
}

static PyObject *automaton_sizeof(PyObject *self, PyObject *unused)
{
    Automaton *a = (Automaton *)self;
    size_t n = sizeof(Automaton) + ((size_t)a->npages << 8) * 4 + (size_t)a->ncells * sizeof(Cell) +
               ((size_t)a->nkeys + 1) * sizeof(Output);
    return PyLong_FromSize_t(n);
}

/* -- an automaton as bytes, and back (NativeEngine.dump/load: termkit's cache) --
 *
 * The header (below), then page[], codes[], cells[] and outs[] as they lie in
 * memory, in this machine's byte order (the cache names the module's build,
 * so only this build reads them back). Reading checks every invariant the
 * scan relies on, so that no bytes, whatever they hold, make it read out of
 * bounds or loop for ever: indexes within their arrays, a state's child
 * cells within the array, a failure link to a shallower state, a state's
 * reports no longer than its depth, each next report shorter, each key's
 * length that of the key given and the longest maxlen. */
typedef struct {
    char magic[8];
    uint64_t nkeys, maxlen;
    uint32_t ncells, ncodes, npages, zero;
} Header;

static const char MAGIC[8] = {'t', 'k', 'a', 'c', 'd', 'a', '1', '\n'};

static PyObject *automaton_dump(PyObject *self, PyObject *unused)
{
    Automaton *a = (Automaton *)self;
    size_t ncodes = (size_t)a->npages << 8;
    size_t n = sizeof(Header) + sizeof(a->page) + ncodes * 4 + (size_t)a->ncells * sizeof(Cell) +
               ((size_t)a->nkeys + 1) * sizeof(Output);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (out == NULL) return NULL;
    char *p = PyBytes_AS_STRING(out);
    Header h = {{0}, (uint64_t)a->nkeys, (uint64_t)a->maxlen, a->ncells, a->ncodes, a->npages, 0};
    memcpy(h.magic, MAGIC, 8);
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    memcpy(p, a->page, sizeof(a->page));
    p += sizeof(a->page);
    memcpy(p, a->codes, ncodes * 4);
    p += ncodes * 4;
    memcpy(p, a->cells, (size_t)a->ncells * sizeof(Cell));
    p += (size_t)a->ncells * sizeof(Cell);
    memcpy(p, a->outs, ((size_t)a->nkeys + 1) * sizeof(Output));
    return out;
}

#define UNSEEN UINT32_MAX
#define BUSY (UINT32_MAX - 1)

/* Every used cell's depth (the root's 0), or NULL where a parent link is
 * out of bounds, to an unused cell, or in a cycle (no error set). */
static uint32_t *cell_depths(const Automaton *a)
{
    uint32_t n = a->ncells, *d = PyMem_New(uint32_t, n), *stack = PyMem_New(uint32_t, n);
    const Cell *cells = a->cells;
    if (d == NULL || stack == NULL) goto fail;
    for (uint32_t y = 0; y < n; y++) d[y] = UNSEEN;
    d[0] = 0;
    for (uint32_t y = 1; y < n; y++) {
        if (cells[y].check == EMPTY || d[y] != UNSEEN) continue;
        size_t top = 0;
        uint32_t x = y;
        while (d[x] == UNSEEN) {
            uint32_t parent = cells[x].check;
            if (parent >= n || cells[parent].check == EMPTY) goto fail;
            d[x] = BUSY;
            stack[top++] = x;
            x = parent;
        }
        if (d[x] == BUSY) goto fail;  /* a cycle */
        uint32_t depth = d[x];
        while (top) d[stack[--top]] = ++depth;
    }
    PyMem_Free(stack);
    return d;
fail:
    PyMem_Free(d);
    PyMem_Free(stack);
    return NULL;
}

/* Whether the automaton read into `a` keeps every invariant (see above). */
static int automaton_sound(const Automaton *a, PyObject *keys)
{
    if (a->ncodes < 1 || a->ncells < 1 || a->cells[0].check != 0 || a->cells[0].report != 0) return 0;
    for (size_t p = 0; p < NPAGES; p++)
        if (a->page[p] < -1 || a->page[p] >= (int32_t)a->npages) return 0;
    for (size_t x = 0; x < ((size_t)a->npages << 8); x++)
        if (a->codes[x] >= a->ncodes) return 0;
    uint32_t longest = 0;
    for (Py_ssize_t k = 1; k <= a->nkeys; k++) {
        const Output *o = &a->outs[k];
        if (o->len > longest) longest = o->len;
        if (o->len < 1 || o->len > (uint64_t)a->maxlen ||
            o->len != (uint64_t)PyUnicode_GET_LENGTH(PyList_GET_ITEM(keys, k - 1)))
            return 0;
        if (o->next > (uint64_t)a->nkeys || (o->next && a->outs[o->next].len >= o->len)) return 0;
    }
    if (longest != (uint64_t)a->maxlen) return 0;  /* (the selection's ring has maxlen + 1 slots) */
    uint32_t *depth = cell_depths(a);
    if (depth == NULL) return 0;
    int ok = 1;
    for (uint32_t y = 0; y < a->ncells && ok; y++) {
        const Cell *c = &a->cells[y];
        if (c->check == EMPTY) continue;
        if ((uint64_t)c->base + a->ncodes >= a->ncells || c->report > (uint64_t)a->nkeys) ok = 0;
        else if (c->report && a->outs[c->report].len > depth[y]) ok = 0;
        else if (y && (c->fail >= a->ncells || a->cells[c->fail].check == EMPTY || depth[c->fail] >= depth[y]))
            ok = 0;
    }
    PyMem_Free(depth);
    return ok;
}

PyDoc_STRVAR(load_doc,
"load(keys, data) -> Automaton\n\n"
"The automaton Automaton.dump() wrote as `data`, for `keys` (the keys it was\n"
"built of); ValueError where the bytes are not one, or not one of keys of\n"
"these lengths.");

static PyObject *automaton_load(PyObject *self, PyObject *args)
{
    PyObject *keys;
    Py_buffer buf;
    Header h;
    if (!PyArg_ParseTuple(args, "O!y*", &PyList_Type, &keys, &buf))
        return NULL;
    Automaton *a = NULL;
    const char *p = buf.buf;
    size_t left = (size_t)buf.len;
    if (left < sizeof h) goto bad;
    memcpy(&h, p, sizeof h);
    if (memcmp(h.magic, MAGIC, 8) || h.zero || h.nkeys != (uint64_t)PyList_GET_SIZE(keys) ||
        h.maxlen > INT32_MAX || h.npages > NPAGES + 1 || h.ncells < 1 || h.ncells >= INT32_MAX || h.ncodes < 1)
        goto bad;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(keys); k++)
        if (!PyUnicode_Check(PyList_GET_ITEM(keys, k))) goto bad;
    /* (In 64 bits: each count is below 2^32 but nkeys, which is a list's length, so no sum
     * overflows; once it equals the buffer's length, every size below fits in a size_t.) */
    uint64_t need = (uint64_t)sizeof h + sizeof(a->page) + ((uint64_t)h.npages << 8) * 4 +
                    (uint64_t)h.ncells * sizeof(Cell) + ((uint64_t)h.nkeys + 1) * sizeof(Output);
    if (need != (uint64_t)left)
        goto bad;
    size_t ncodes = (size_t)h.npages << 8, nouts = (size_t)h.nkeys + 1;
    a = PyObject_New(Automaton, &AutomatonType);
    if (a == NULL) goto done;
    memset((char *)a + sizeof(PyObject), 0, sizeof(Automaton) - sizeof(PyObject));
    a->nkeys = (Py_ssize_t)h.nkeys;
    a->maxlen = (Py_ssize_t)h.maxlen;
    a->ncells = h.ncells;
    a->ncodes = h.ncodes;
    a->npages = h.npages;
    if ((a->codes = PyMem_Malloc(ncodes ? ncodes * 4 : 1)) == NULL ||
        (a->cells = PyMem_Malloc((size_t)h.ncells * sizeof(Cell))) == NULL ||
        (a->outs = PyMem_Malloc(nouts * sizeof(Output))) == NULL) {
        PyErr_NoMemory();
        Py_CLEAR(a);
        goto done;
    }
    p += sizeof h;
    memcpy(a->page, p, sizeof(a->page));
    p += sizeof(a->page);
    memcpy(a->codes, p, ncodes * 4);
    p += ncodes * 4;
    memcpy(a->cells, p, (size_t)h.ncells * sizeof(Cell));
    p += (size_t)h.ncells * sizeof(Cell);
    memcpy(a->outs, p, nouts * sizeof(Output));
    if (automaton_sound(a, keys)) goto done;
    Py_CLEAR(a);
    if (PyErr_Occurred()) goto done;
bad:
    PyErr_SetString(PyExc_ValueError, "not an automaton that dump() wrote for these keys");
done:
    PyBuffer_Release(&buf);
    return (PyObject *)a;
}

static PyMethodDef automaton_methods[] = {
    {"longest", automaton_longest, METH_VARARGS,
     "longest(text) -> [(start, end, key index)]: the leftmost-longest matches"},
    {"overlapping", automaton_overlapping, METH_VARARGS,
     "overlapping(text) -> [(start, end, key index)]: every match, by start then end"},
    {"__sizeof__", automaton_sizeof, METH_NOARGS, NULL},
    {"dump", automaton_dump, METH_NOARGS, "dump() -> bytes: the automaton, for load()"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "termkit._native.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = automaton_doc,
    .tp_methods = automaton_methods,
};

/* The view's text, original and offsets for rules; buffers released by the caller. */
static int view_rules(PyObject *view, PyObject *rules_, Rules *r, PyObject **hold, Py_buffer *starts,
                      Py_buffer *shifts, Py_buffer *checks)
{
    PyObject *contexts;
    if (!PyTuple_Check(rules_)) {
        PyErr_SetString(PyExc_TypeError, "rules are a (checks, contexts) tuple");
        return -1;
    }
    if (!PyArg_ParseTuple(rules_, "y*O!", checks, &PyList_Type, &contexts))
        return -1;
    hold[0] = PyObject_GetAttrString(view, "text");
    hold[1] = PyObject_GetAttrString(view, "original");
    hold[2] = PyObject_GetAttrString(view, "starts");
    hold[3] = PyObject_GetAttrString(view, "shifts");
    if (hold[0] == NULL || hold[1] == NULL || hold[2] == NULL || hold[3] == NULL) return -1;
    if (!PyUnicode_Check(hold[0]) || !PyUnicode_Check(hold[1])) {
        PyErr_SetString(PyExc_TypeError, "a view's text and original are str");
        return -1;
    }
    if (PyObject_GetBuffer(hold[2], starts, PyBUF_SIMPLE) < 0 || PyObject_GetBuffer(hold[3], shifts, PyBUF_SIMPLE) < 0)
        return -1;
    if (starts->len != shifts->len || starts->len % sizeof(Py_ssize_t)) {
        PyErr_SetString(PyExc_ValueError, "malformed view offsets");
        return -1;
    }
    *r = (Rules){hold[0], PyUnicode_KIND(hold[0]), PyUnicode_DATA(hold[0]), PyUnicode_GET_LENGTH(hold[0]), hold[1],
                 starts->buf, shifts->buf, starts->len / (Py_ssize_t)sizeof(Py_ssize_t), checks->buf, checks->len,
                 contexts};
    return 0;
}

PyDoc_STRVAR(find_doc,
"find(automaton, view, lo, hi, overlapping, rules, packed) -> matches\n\n"
"The valid candidates of `view.text` starting in [lo, hi): all of them, by\n"
"start then end (overlapping), or their leftmost-longest selection. rules\n"
"as for select(). As (start, end, index) tuples, or packed: bytes of\n"
"Py_ssize_t triples, which mentions() and spans() read as they read a list.\n"
"Twin of termkit.match.annotator.Annotator._select_python over the engine's matches.");

static PyObject *find_(PyObject *self, PyObject *args)
{
    PyObject *aut, *view, *rules_, *hold[4] = {NULL, NULL, NULL, NULL}, *result = NULL;
    Py_ssize_t lo, hi;
    int overlapping, packed;
    Py_buffer checks = {0}, starts = {0}, shifts = {0};
    Rules rules;
    SpanArray out = {NULL, 0, 0};
    if (!check_configured() ||
        !PyArg_ParseTuple(args, "O!OnnpOp", &AutomatonType, &aut, &view, &lo, &hi, &overlapping, &rules_, &packed))
        return NULL;
    if (view_rules(view, rules_, &rules, hold, &starts, &shifts, &checks) < 0) goto done;
    if (((Automaton *)aut)->nkeys > rules.nchecks) {
        PyErr_SetString(PyExc_ValueError, "fewer checks than keys");
        goto done;
    }
    lo = Py_MAX(lo, 0);
    hi = Py_MIN(hi, rules.len);
    Job job = {(Automaton *)aut, &rules, lo, hi, overlapping};
    if (run(&job, rules.text, &out) < 0) goto done;
    result = packed ? PyBytes_FromStringAndSize((const char *)out.v, out.n * (Py_ssize_t)sizeof(Span))
                    : span_list(&out);
done:
    PyMem_Free(out.v);
    if (checks.obj) PyBuffer_Release(&checks);
    if (starts.obj) PyBuffer_Release(&starts);
    if (shifts.obj) PyBuffer_Release(&shifts);
    for (int j = 0; j < 4; j++) Py_XDECREF(hold[j]);
    return result;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS, configure_doc},
    {"view", view, METH_VARARGS, view_doc},
    {"mentions", mentions, METH_VARARGS, mentions_doc},
    {"select", select_, METH_VARARGS, select_doc},
    {"spans", spans, METH_VARARGS, spans_doc},
    {"jsonl", jsonl, METH_VARARGS, jsonl_doc},
    {"automaton", automaton_new, METH_VARARGS, automaton_doc},
    {"load", automaton_load, METH_VARARGS, load_doc},
    {"find", find_, METH_VARARGS, find_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "termkit._native",
    "The hot loops of Annotator.find, in C (optional; see termkit/_native.c).", -1, methods,
};

PyMODINIT_FUNC PyInit__native(void)
{
    if (PyType_Ready(&AutomatonType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(m, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
