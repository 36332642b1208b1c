/*
 * The decision memo and the state fingerprint (see "The decision memo" in CLuaSandbox.h).
 *
 * The memo is a trie over the cells the steps read. Each inner node names the column the steps
 * read next, given the values on the path to it; its children are keyed by that column's value;
 * a leaf holds the decision (outcome, step). Because a step is a pure function of the cells it
 * reads (the sandbox checks that, below), two rows that agree on the cells read so far read the
 * same next cell, so one trie holds every path. Lookups are plain C over the row's marshalled
 * values: a row that walks to a leaf gets its decision without running Lua.
 *
 * Memory is outside the Lua heap and bounded by the node cap; past it, new paths are not stored.
 */
#include "CLuaSandbox.h"

#include <stdlib.h>
#include <string.h>

#define NODE_UNSET (-2)
#define NODE_LEAF (-1)
/* Text cells longer than this are not memoised (such a path is simply not stored). */
#define MEMO_MAX_TEXT 256
#define MEMO_MAX_TEXT_BYTES (1u << 20)

typedef struct {
    int32_t col;       /* column read next, or NODE_LEAF / NODE_UNSET */
    int32_t outcome;   /* leaf: the outcome's index (1-based, as the prelude numbers them) */
    int32_t step;      /* leaf: the step's index (1-based) */
} memo_node;

typedef struct {
    uint32_t parent;   /* 0 = empty slot; else parent node + 1 */
    uint32_t child;
    int32_t kind;
    uint32_t text_len;
    uint64_t value;    /* the value, or the hash of a text cell */
    uint32_t text_off; /* text cells: where the bytes are in the arena */
} memo_edge;

struct gr_memo {
    memo_node *nodes;
    size_t nnodes, max_nodes;
    memo_edge *edges;
    size_t edge_cap, nedges;
    char *text;
    size_t text_len, text_cap;
    /* the path staged by the current row (committed when the row succeeds) */
    int32_t *staged;
    int nstaged, staged_ok;
    int32_t staged_outcome, staged_step;
    int full;
    uint64_t hits, misses, stored;
};

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const char *p, size_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return mix64(h);
}

/* The key of a cell's value: (kind, value); text cells also compare their bytes. */
static uint64_t value_key(const gr_value *v) {
    switch (v->kind) {
    case GR_NIL: return 0;
    case GR_BYTES: return hash_bytes(v->p, v->len);
    default: return (uint64_t)v->i;
    }
}

static size_t edge_slot(const gr_memo *m, uint32_t parent, int32_t kind, uint64_t key) {
    return (size_t)mix64(((uint64_t)parent << 32) ^ key ^ ((uint64_t)kind << 56)) & (m->edge_cap - 1);
}

static int edge_matches(const gr_memo *m, const memo_edge *e, uint32_t parent, const gr_value *v, uint64_t key) {
    if (e->parent != parent + 1 || e->kind != v->kind || e->value != key) return 0;
    if (v->kind == GR_BYTES) return e->text_len == v->len && memcmp(m->text + e->text_off, v->p, v->len) == 0;
    return 1;
}

static const memo_edge *edge_find(const gr_memo *m, uint32_t parent, const gr_value *v) {
    if (m->edge_cap == 0) return NULL;
    uint64_t key = value_key(v);
    size_t i = edge_slot(m, parent, v->kind, key);
    for (;;) {
        const memo_edge *e = &m->edges[i];
        if (e->parent == 0) return NULL;
        if (edge_matches(m, e, parent, v, key)) return e;
        i = (i + 1) & (m->edge_cap - 1);
    }
}

static int edges_grow(gr_memo *m) {
    size_t cap = m->edge_cap ? m->edge_cap * 2 : 1024;
    memo_edge *n = calloc(cap, sizeof *n);
    if (n == NULL) return 0;
    for (size_t j = 0; j < m->edge_cap; j++) {
        memo_edge *e = &m->edges[j];
        if (e->parent == 0) continue;
        size_t i = (size_t)mix64(((uint64_t)(e->parent - 1) << 32) ^ e->value ^ ((uint64_t)e->kind << 56)) & (cap - 1);
        while (n[i].parent != 0) i = (i + 1) & (cap - 1);
        n[i] = *e;
    }
    free(m->edges);
    m->edges = n;
    m->edge_cap = cap;
    return 1;
}

static int edge_add(gr_memo *m, uint32_t parent, const gr_value *v, uint32_t child) {
    if ((m->nedges + 1) * 2 > m->edge_cap && !edges_grow(m)) return 0;
    uint32_t off = 0;
    if (v->kind == GR_BYTES) {
        if (m->text_len + v->len > m->text_cap) {
            size_t cap = m->text_cap ? m->text_cap * 2 : 4096;
            while (cap < m->text_len + v->len) cap *= 2;
            char *t = realloc(m->text, cap);
            if (t == NULL) return 0;
            m->text = t;
            m->text_cap = cap;
        }
        memcpy(m->text + m->text_len, v->p, v->len);
        off = (uint32_t)m->text_len;
        m->text_len += v->len;
    }
    uint64_t key = value_key(v);
    size_t i = edge_slot(m, parent, v->kind, key);
    while (m->edges[i].parent != 0) i = (i + 1) & (m->edge_cap - 1);
    m->edges[i] = (memo_edge){ parent + 1, child, v->kind, (uint32_t)(v->kind == GR_BYTES ? v->len : 0), key, off };
    m->nedges++;
    return 1;
}

static int32_t node_add(gr_memo *m) {
    if (m->nnodes >= m->max_nodes) return -1;
    m->nodes[m->nnodes] = (memo_node){ NODE_UNSET, 0, 0 };
    return (int32_t)m->nnodes++;
}

gr_memo *gr_memo_new(size_t max_nodes) {
    gr_memo *m = calloc(1, sizeof *m);
    if (m == NULL) return NULL;
    m->max_nodes = max_nodes < 1 ? 1 : max_nodes;
    m->nodes = malloc(m->max_nodes * sizeof *m->nodes);
    m->staged = malloc(256 * sizeof *m->staged);
    if (m->nodes == NULL || m->staged == NULL) { gr_memo_free(m); return NULL; }
    node_add(m);   /* the root */
    return m;
}

void gr_memo_free(gr_memo *m) {
    if (m == NULL) return;
    free(m->nodes); free(m->edges); free(m->text); free(m->staged);
    free(m);
}

int gr_memo_lookup(gr_memo *m, const gr_value *values, int n, int32_t *outcome, int32_t *step) {
    uint32_t node = 0;
    for (;;) {
        const memo_node *x = &m->nodes[node];
        if (x->col == NODE_LEAF) {
            *outcome = x->outcome;
            *step = x->step;
            m->hits++;
            return 1;
        }
        if (x->col < 0 || x->col >= n) break;
        const memo_edge *e = edge_find(m, node, &values[x->col]);
        if (e == NULL) break;
        node = e->child;
    }
    m->misses++;
    return 0;
}

void gr_memo_begin_row(gr_memo *m) { m->nstaged = 0; m->staged_ok = 0; }

int gr_memo_stage(gr_memo *m, const int32_t *cols, int ncols, int32_t outcome, int32_t step) {
    if (ncols > 256) return 0;
    memcpy(m->staged, cols, (size_t)ncols * sizeof *cols);
    m->nstaged = ncols;
    m->staged_outcome = outcome;
    m->staged_step = step;
    m->staged_ok = 1;
    return 1;
}

/* Stores the staged path. Returns 0, or -1 when the path contradicts the trie (the same values
 * led to a different next read or decision: the steps are not a function of the cells read). */
int gr_memo_commit(gr_memo *m, const gr_value *values, int n) {
    if (!m->staged_ok) return 0;
    m->staged_ok = 0;
    int k = m->nstaged;
    for (int j = 0; j < k; j++) {
        int c = m->staged[j];
        if (c < 0 || c >= n) return 0;
        if (values[c].kind == GR_BYTES &&
            (values[c].len > MEMO_MAX_TEXT || m->text_len + values[c].len > MEMO_MAX_TEXT_BYTES)) return 0;
    }
    uint32_t node = 0;
    for (int j = 0; j < k; j++) {
        int32_t c = m->staged[j];
        memo_node *x = &m->nodes[node];
        if (x->col == NODE_UNSET) x->col = c;
        else if (x->col != c) return -1;
        const memo_edge *e = edge_find(m, node, &values[c]);
        if (e != NULL) { node = e->child; continue; }
        if (m->nnodes + (size_t)(k - j) > m->max_nodes) { m->full = 1; return 0; }
        int32_t child = node_add(m);
        if (child < 0 || !edge_add(m, node, &values[c], (uint32_t)child)) { m->full = 1; return 0; }
        node = (uint32_t)child;
    }
    memo_node *leaf = &m->nodes[node];
    if (leaf->col == NODE_UNSET) {
        leaf->col = NODE_LEAF;
        leaf->outcome = m->staged_outcome;
        leaf->step = m->staged_step;
        m->stored++;
        return 0;
    }
    if (leaf->col == NODE_LEAF && leaf->outcome == m->staged_outcome && leaf->step == m->staged_step) return 0;
    return -1;
}

void gr_memo_stats(const gr_memo *m, uint64_t *hits, uint64_t *misses, uint64_t *paths, uint64_t *nodes, int *full) {
    *hits = m->hits; *misses = m->misses; *paths = m->stored; *nodes = m->nnodes; *full = m->full;
}

/* ---- The state fingerprint ---------------------------------------------------------------------
 * A hash of everything reachable from the roots (the policy table and every module loaded at
 * start-up): each table's keys and values, each function's upvalues, each metatable, by the
 * identity of the objects they hold (strings by address: they are immutable, so a new address
 * means a write). A step that changes an upvalue or a module table changes it. Objects in the
 * excluded set (the host's own closures, whose state changes every row) are not entered. The
 * sum over objects is order-free, so the same state always gives the same number. */

typedef struct {
    const void **slots;
    size_t cap, count;
} ptr_set;

static int ptr_set_add(ptr_set *s, const void *p) {
    if ((s->count + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        const void **n = calloc(cap, sizeof *n);
        if (n == NULL) return -1;
        for (size_t j = 0; j < s->cap; j++) {
            if (s->slots[j] == NULL) continue;
            size_t i = (size_t)mix64((uint64_t)(uintptr_t)s->slots[j]) & (cap - 1);
            while (n[i] != NULL) i = (i + 1) & (cap - 1);
            n[i] = s->slots[j];
        }
        free(s->slots);
        s->slots = n;
        s->cap = cap;
    }
    size_t i = (size_t)mix64((uint64_t)(uintptr_t)p) & (s->cap - 1);
    while (s->slots[i] != NULL) {
        if (s->slots[i] == p) return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->slots[i] = p;
    s->count++;
    return 1;
}

static uint64_t identity(lua_State *L, int idx) {
    int t = lua_type(L, idx);
    switch (t) {
    case LUA_TNIL: return 1;
    case LUA_TBOOLEAN: return lua_toboolean(L, idx) ? 2 : 3;
    case LUA_TNUMBER: {
        if (lua_isinteger(L, idx)) return mix64((uint64_t)lua_tointeger(L, idx) ^ 0x1234);
        lua_Number x = lua_tonumber(L, idx);
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        return mix64(bits ^ 0x5678);
    }
    case LUA_TLIGHTUSERDATA: return mix64((uint64_t)(uintptr_t)lua_touserdata(L, idx) ^ 7);
    default: return mix64((uint64_t)(uintptr_t)lua_topointer(L, idx) ^ (uint64_t)t);
    }
}

typedef struct {
    ptr_set seen;
    int excluded;   /* stack index of the excluded set (a table keyed by object), or 0 */
    uint64_t sum;
    int depth_exceeded;
} fp_walk;

static void fp_visit(lua_State *L, int idx, fp_walk *w, int depth) {
    idx = lua_absindex(L, idx);
    int t = lua_type(L, idx);
    if (t != LUA_TTABLE && t != LUA_TFUNCTION && t != LUA_TUSERDATA) return;
    if (ptr_set_add(&w->seen, lua_topointer(L, idx)) != 1) return;
    if (w->excluded) {
        lua_pushvalue(L, idx);
        int ex = lua_rawget(L, w->excluded) != LUA_TNIL;
        lua_pop(L, 1);
        if (ex) return;
    }
    if (depth > 200) { w->depth_exceeded = 1; return; }
    luaL_checkstack(L, 8, "state fingerprint");
    uint64_t h = identity(L, idx);
    if (t == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, idx) != 0) {
            h += mix64(identity(L, -2) * 31 + identity(L, -1));
            fp_visit(L, -2, w, depth + 1);
            fp_visit(L, -1, w, depth + 1);
            lua_pop(L, 1);
        }
    } else {
        for (int n = 1; ; n++) {
            const char *name = lua_getupvalue(L, idx, n);
            if (name == NULL) break;
            h += mix64(identity(L, -1) * 131 + (uint64_t)n);
            fp_visit(L, -1, w, depth + 1);
            lua_pop(L, 1);
        }
    }
    if (lua_getmetatable(L, idx)) {
        h += mix64(identity(L, -1) ^ 0xabcdef);
        fp_visit(L, -1, w, depth + 1);
        lua_pop(L, 1);
    }
    w->sum += mix64(h);
}

/* Fingerprint of what is reachable from the table at `roots`, skipping the keys of `excluded`
 * (0: none). Returns 0 when the state was too deep to walk (treated as "changed"). */
uint64_t gr_state_fingerprint(lua_State *L, int roots, int excluded) {
    static __thread ptr_set seen;
    fp_walk w = { seen, excluded ? lua_absindex(L, excluded) : 0, 0, 0 };
    if (w.seen.slots) memset(w.seen.slots, 0, w.seen.cap * sizeof *w.seen.slots);
    w.seen.count = 0;
    fp_visit(L, roots, &w, 0);
    seen = w.seen;
    if (w.depth_exceeded) return 0;
    return w.sum ? w.sum : 1;
}
