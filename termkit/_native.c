/* termkit._native: the three hot loops of Annotator.find, in C.
 *
 * Each function here has a pure-Python twin that is the reference (named in
 * its docstring); termkit uses the Python one when this module was not built,
 * and the tests require the two to agree on any input. Nothing here knows
 * about glossaries or files: it moves offsets and builds tuples.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* -- character classes (those of the Python regular expression) --------- */

static inline int is_alnum(Py_UCS4 c) /* [A-Za-z0-9] */
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline int is_dash(Py_UCS4 c) /* [—–\-－] */
{
    return c == '-' || c == 0x2014 || c == 0x2013 || c == 0xFF0D;
}

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
    int fold;           /* fold full-width forms U+FF01..U+FF5E, except `keep` */
    PyObject *keep;
    int breaks;         /* whitespace (and page-number lines) in the class */
    PyObject *quotes;   /* quotation marks in the class ("" for none) */
} Text;

static inline int in_str(PyObject *s, Py_UCS4 c)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyUnicode_READ(kind, data, i) == c)
            return 1;
    return 0;
}

/* The character at i, as the view sees it (full-width folded). */
static inline Py_UCS4 at(const Text *t, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
    if (t->fold && c >= 0xFF01 && c <= 0xFF5E && !in_str(t->keep, c))
        c -= 0xFEE0;
    return c;
}

static inline int in_class(const Text *t, Py_UCS4 c)
{
    if (c < 0x80)
        return (t->breaks && Py_UNICODE_ISSPACE(c)) || ((c == '"' || c == '\'') && in_str(t->quotes, c));
    if (c >= 0x4E00 && c <= 0x9FFF)  /* CJK ideographs: the common case */
        return 0;
    return (t->breaks && Py_UNICODE_ISSPACE(c)) || in_str(t->quotes, c);
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

static int append_ssize(PyObject *list, Py_ssize_t v)
{
    PyObject *o = PyLong_FromSsize_t(v);
    if (o == NULL) return -1;
    int r = PyList_Append(list, o);
    Py_DECREF(o);
    return r;
}

PyDoc_STRVAR(view_doc,
"view(text, keep, breaks, quotes) -> (view_text, starts, shifts, folded)\n\n"
"The view of `text`: full-width forms folded (unless `keep` is None; the\n"
"characters of `keep` are not folded) and the skippable runs removed; `folded`\n"
"tells whether any character of `text` was a foldable form. `quotes` must hold\n"
"no CJK ideograph.\n"
"Twin of termkit.normalize._view_python.");

static PyObject *view(PyObject *self, PyObject *args)
{
    PyObject *text, *keep, *quotes;
    int breaks;
    if (!PyArg_ParseTuple(args, "UOpU", &text, &keep, &breaks, &quotes))
        return NULL;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text),
              keep != Py_None, keep, breaks, quotes};
    if (t.fold && !PyUnicode_Check(keep)) {
        PyErr_SetString(PyExc_TypeError, "keep must be a str or None");
        return NULL;
    }
    int skipping = breaks || PyUnicode_GET_LENGTH(quotes) > 0;
    PyObject *starts = PyList_New(0), *shifts = PyList_New(0), *out = NULL, *result = NULL;
    char *buf = NULL;
    if (starts == NULL || shifts == NULL) goto done;
    buf = PyMem_Malloc(t.n ? t.n * t.kind : 1);
    if (buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t pos = 0, w = 0, removed = 0;
    int folded = 0;
    while (pos < t.n) {
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
                        folded = at(&t, j) != PyUnicode_READ(t.kind, t.data, j);
                    removed += r - pos;
                    if (append_ssize(starts, w) < 0 || append_ssize(shifts, removed) < 0)
                        goto done;
                    pos = r;
                    continue;
                }
            }
        }
        if (c != PyUnicode_READ(t.kind, t.data, pos))
            folded = 1;
        PyUnicode_WRITE(t.kind, buf, w, c);
        w++;
        pos++;
    }
    if (removed == 0 && !folded) {
        out = text;
        Py_INCREF(out);
    } else {
        out = PyUnicode_FromKindAndData(t.kind, buf, w);
        if (out == NULL) goto done;
    }
    result = Py_BuildValue("(OOOO)", out, starts, shifts, folded ? Py_True : Py_False);
done:
    PyMem_Free(buf);
    Py_XDECREF(out);
    Py_XDECREF(starts);
    Py_XDECREF(shifts);
    return result;
}

/* -- mapping matches back: Annotator._mentions ------------------------- */

/* bisect_right(list, x, lo) over a list of ints, or -2 on error. */
static Py_ssize_t bisect_right(PyObject *list, Py_ssize_t x, Py_ssize_t lo)
{
    Py_ssize_t hi = PyList_GET_SIZE(list);
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        Py_ssize_t v = PyLong_AsSsize_t(PyList_GET_ITEM(list, mid));
        if (v == -1 && PyErr_Occurred()) return -2;
        if (x < v) hi = mid; else lo = mid + 1;
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

PyDoc_STRVAR(mentions_doc,
"mentions(matches, original, starts, shifts, shift, folded, payload, cls, slow) -> list\n\n"
"For each view match (s, e, i): its original span (a, b); if nothing inside\n"
"it was skipped or folded, cls((a + shift, b + shift, original[a:b]) + payload[i]),\n"
"else slow(a + shift, b + shift, original[a:b], e - s, i).\n"
"Twin of the loop in termkit.annotate.Annotator._mentions_python.");

static PyObject *mentions(PyObject *self, PyObject *args)
{
    PyObject *matches, *original, *starts, *shifts, *payload, *cls, *slow;
    Py_ssize_t shift;
    int folded;
    if (!PyArg_ParseTuple(args, "O!UO!O!npO!O!O", &PyList_Type, &matches, &original, &PyList_Type, &starts,
                          &PyList_Type, &shifts, &shift, &folded, &PyList_Type, &payload, &PyType_Type, &cls,
                          &slow))
        return NULL;
    PyTypeObject *type = (PyTypeObject *)cls;
    if (!PyType_IsSubtype(type, &PyTuple_Type) || type->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_SetString(PyExc_TypeError, "cls must be a tuple subclass without instance fields");
        return NULL;
    }
    if (PyList_GET_SIZE(starts) != PyList_GET_SIZE(shifts)) {
        PyErr_SetString(PyExc_ValueError, "starts and shifts differ in length");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(matches), nforms = PyList_GET_SIZE(payload);
    Py_ssize_t len = PyUnicode_GET_LENGTH(original);
    PyObject *out = PyList_New(n);
    if (out == NULL) return NULL;
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t s, e, i, a = 0, b = 0, k = -1;
        if (unpack_match(PyList_GET_ITEM(matches, j), &s, &e, &i) < 0) goto fail;
        if (i < 0 || i >= nforms || s < 0 || e <= s) {
            PyErr_SetString(PyExc_ValueError, "match out of range");
            goto fail;
        }
        if (PyList_GET_SIZE(starts)) {
            k = bisect_right(starts, s, 0) - 1;
            if (k < -1) goto fail;
            a = s + (k >= 0 ? PyLong_AsSsize_t(PyList_GET_ITEM(shifts, k)) : 0);
            k = bisect_right(starts, e - 1, k > 0 ? k : 0) - 1;
            if (k < -1) goto fail;
            b = e + (k >= 0 ? PyLong_AsSsize_t(PyList_GET_ITEM(shifts, k)) : 0);
            if (PyErr_Occurred()) goto fail;
        } else {
            a = s;
            b = e;
        }
        if (b > len) {
            PyErr_SetString(PyExc_ValueError, "match out of range");
            goto fail;
        }
        PyObject *text = PyUnicode_Substring(original, a, b), *m;
        if (text == NULL) goto fail;
        PyObject *fields = PyList_GET_ITEM(payload, i);
        if (b - a == e - s && !folded) {
            if (!PyTuple_Check(fields)) {
                Py_DECREF(text);
                PyErr_SetString(PyExc_TypeError, "payload items are tuples");
                goto fail;
            }
            Py_ssize_t nf = PyTuple_GET_SIZE(fields);
            m = type->tp_alloc(type, 3 + nf);
            if (m == NULL) {
                Py_DECREF(text);
                goto fail;
            }
            PyObject *x = PyLong_FromSsize_t(a + shift), *y = PyLong_FromSsize_t(b + shift);
            if (x == NULL || y == NULL) {
                Py_XDECREF(x);
                Py_XDECREF(y);
                Py_DECREF(text);
                Py_DECREF(m);
                goto fail;
            }
            /* Like a tuple of atomic values, a Mention cannot be part of a
             * reference cycle (its Term never refers back to it), so the
             * cyclic collector need not follow it: untracked, millions of
             * Mentions held in memory cost a collection nothing. */
            PyObject_GC_UnTrack(m);
            PyTuple_SET_ITEM(m, 0, x);
            PyTuple_SET_ITEM(m, 1, y);
            PyTuple_SET_ITEM(m, 2, text);
            for (Py_ssize_t f = 0; f < nf; f++) {
                PyObject *v = PyTuple_GET_ITEM(fields, f);
                Py_INCREF(v);
                PyTuple_SET_ITEM(m, 3 + f, v);
            }
        } else {
            m = PyObject_CallFunction(slow, "nnNnn", a + shift, b + shift, text, e - s, i);
            if (m == NULL) goto fail;
        }
        PyList_SET_ITEM(out, j, m);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* -- trusting the engine's matches: Annotator._select ------------------- */

/* Flags per form in accept()'s `check`. */
#define ASCII_HEAD 1   /* starts with [A-Za-z0-9]: must not follow one */
#define ASCII_TAIL 2   /* ends with one: must not precede one */
#define CONTEXT 4      /* has a Context: judged by the caller */

PyDoc_STRVAR(accept_doc,
"accept(matches, k, p, hi, checks, text) -> (j, p)\n\n"
"From matches[k] on, the run of matches that start at or after p and before\n"
"hi and are valid by the ASCII boundary rule in `text`, with no Context to\n"
"judge (checks[i]: 1 ASCII head, 2 ASCII tail, 4 context); p advances to the\n"
"end of each. Returns the index of the first match not in the run, and p.\n"
"Twin of termkit.annotate._accept_python.");

static PyObject *accept(PyObject *self, PyObject *args)
{
    PyObject *matches, *text;
    Py_ssize_t k, p, hi;
    Py_buffer check;
    if (!PyArg_ParseTuple(args, "O!nnny*U", &PyList_Type, &matches, &k, &p, &hi, &check, &text))
        return NULL;
    const unsigned char *flags = check.buf;
    Py_ssize_t n = PyList_GET_SIZE(matches), len = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (; k < n; k++) {
        Py_ssize_t s, e, i;
        if (unpack_match(PyList_GET_ITEM(matches, k), &s, &e, &i) < 0) {
            PyBuffer_Release(&check);
            return NULL;
        }
        if (s >= hi || s < p || i < 0 || i >= check.len || e > len)
            break;
        unsigned char f = flags[i];
        if (f & CONTEXT)
            break;
        if ((f & ASCII_HEAD) && s > 0 && is_alnum(PyUnicode_READ(kind, data, s - 1)))
            break;
        if ((f & ASCII_TAIL) && e < len && is_alnum(PyUnicode_READ(kind, data, e)))
            break;
        p = e;
    }
    PyBuffer_Release(&check);
    return Py_BuildValue("(nn)", k, p);
}

static PyMethodDef methods[] = {
    {"view", view, METH_VARARGS, view_doc},
    {"mentions", mentions, METH_VARARGS, mentions_doc},
    {"accept", accept, METH_VARARGS, accept_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "termkit._native",
    "The hot loops of Annotator.find, in C (optional; see termkit/_native.c).", -1, methods,
};

PyMODINIT_FUNC PyInit__native(void)
{
    return PyModule_Create(&module);
}
