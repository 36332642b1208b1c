#ifndef GOVRULES_CLUA_SANDBOX_H
#define GOVRULES_CLUA_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>
#include "GovRulesFaults.h"

/* One sandboxed Lua state. Everything here that can raise a Lua error runs inside
 * lua_pcall, so a longjmp never crosses a Swift frame. */
typedef struct gr_sandbox gr_sandbox;

/* Kinds of a marshalled ledger value. */
enum {
    GR_NIL = 0,
    GR_BOOL = 1,      /* i: 0 or 1 */
    GR_INT = 2,       /* i */
    GR_BYTES = 3,     /* p, len: pushed as a Lua string */
    GR_SYMBOL = 4,    /* i: index of an interned string (gr_intern) */
    GR_SYMBOLSET = 5  /* i: bitmask; bit k -> interned string aux + k; pushed as an array */
};

typedef struct {
    int32_t kind;
    int32_t aux;
    int64_t i;
    const char *p;
    size_t len;
} gr_value;

/* Result codes of the protected entry points. */
enum {
    GR_OK = 0,
    GR_ERR_RUNTIME = 1,   /* a Lua error: message (with traceback) via gr_error */
    GR_ERR_MEMORY = 2,    /* the memory cap was hit during the call */
    GR_ERR_BUDGET = 3,    /* the instruction budget ran out */
    GR_ERR_SYNTAX = 4,    /* a chunk failed to compile */
    GR_ERR_PREEMPTED = 5  /* internal: an unhooked row was stopped and is run again counted */
};

/* Why the last failed call stopped, for telling a runaway rule from a wrong one. */
enum {
    GR_STOP_NONE = 0,
    GR_STOP_ERROR = 1,    /* an ordinary runtime error */
    GR_STOP_BUDGET = 2,   /* the instruction budget ran out */
    GR_STOP_MEMORY = 3,   /* the memory cap was hit */
    GR_STOP_STACK = 4     /* stack overflow (runaway recursion) */
};

/* Why the last call failed (GR_STOP_*) and where: "rules/steps.lua:12", the innermost rule
 * line running when it was stopped ("" when no rule frame was on the stack). Valid until the
 * next call into the sandbox. */
int gr_stop(const gr_sandbox *s, const char **where);

/* An absent integer result (nil in Lua). */
#define GR_NONE INT64_MIN

gr_sandbox *gr_new(size_t memory_limit, int64_t instruction_budget);
void gr_free(gr_sandbox *s);
lua_State *gr_state(gr_sandbox *s);

size_t gr_memory_used(const gr_sandbox *s);
size_t gr_memory_peak(const gr_sandbox *s);

/* The last error message (valid until the next call into the sandbox). */
const char *gr_error(const gr_sandbox *s, size_t *len);

/* Opens the allowed standard libraries (base, string, table, math, utf8) into the global
 * table. The host prelude then builds per-file environments from them. */
int gr_open_libs(gr_sandbox *s);

/* Compiles text (never bytecode) and runs it with `nargs` string arguments, leaving
 * `nresults` results stored as registry references in refs_out (LUA_NOREF for nil). */
int gr_run_chunk(gr_sandbox *s, const char *code, size_t len, const char *chunkname,
                 const char *const *args, const size_t *arglens, int nargs,
                 int *refs_out, int nresults);

/* Interns a string in the symbol table and returns its index (1-based). */
int gr_intern(gr_sandbox *s, const char *str, size_t len, int *index_out);

/* Calls the function held in registry ref `fn` with a table built from keys/values (keys are
 * symbol indexes), plus `extra` integer arguments; stores up to `nout` integer results
 * (GR_NONE for nil, error if a result is neither nil nor an integer). */
int gr_call_row(gr_sandbox *s, int fn, const int32_t *keys, const gr_value *values, int n,
                const int64_t *extra, int nextra, int64_t *out, int nout);

/* Registry function `fn` is the per-row evaluator (called with 14 results): its rows reuse one
 * table, rewritten cell by cell, instead of getting a new one each, and the host reads its
 * result (the prelude's `finish` when it is not plain). See "One row table a worker" and
 * "Reading a result" in sandbox.c. LUA_NOREF: none. */
void gr_set_evaluator(gr_sandbox *s, int fn);

/* Calls the function in registry ref `fn` with string arguments (NULL = nil) and stores its
 * results as registry references. */
int gr_call_strings(gr_sandbox *s, int fn, const char *const *args, const size_t *arglens, int nargs,
                    int *refs_out, int nresults);

/* Calls the function in registry ref `fn` with no arguments and stores its first result as a
 * new registry reference (LUA_NOREF for nil). */
int gr_call_ref(gr_sandbox *s, int fn, int *ref_out);

/* Non-raising readers of a value held in the registry, for turning result tables into Swift
 * values. They push nothing permanently. */
int gr_ref_type(gr_sandbox *s, int ref);
void gr_unref(gr_sandbox *s, int ref);

/* Sets the per-call instruction budget (in VM instructions, rounded to the hook granularity). */
void gr_set_budget(gr_sandbox *s, int64_t budget);

/* Wall-clock limit on any one call into Lua, for what the instruction budget cannot stop (C
 * functions running long). `callback(input, row, seconds)` runs on the watchdog thread when a
 * call has run longer than `seconds`; it must report and end the process (the call cannot be
 * interrupted safely). The row is the one last given to gr_set_row (-1 when none); `where` is
 * the rule line that was running ("rules/steps.lua:12", or ""). */
typedef void (*gr_timeout_callback)(int64_t input, int64_t row, double seconds, const char *where);
void gr_watchdog_configure(double seconds, gr_timeout_callback callback);
void gr_set_row(gr_sandbox *s, int64_t input, int64_t row);

/* How many rows took the unhooked fast path, and how many were run under the counting hook
 * (every row when the budget is below the fast path's minimum, under coverage, or when the fast
 * run could not prove the row stayed within budget). See "The fast path" in sandbox.c. */
void gr_path_counts(const gr_sandbox *s, uint64_t *fast, uint64_t *counted);
/* Whether rows may take the fast path with this sandbox's budget and settings. */
int gr_fast_path_enabled(const gr_sandbox *s);
/* Lets the calling thread receive the fast path's preemption signal (threads started by
 * libdispatch, and threads they start, block it; rows on such threads always run counted). */
void gr_thread_allow_preemption(void);
/* Turns the fast path off (1) or back on (0) for this sandbox, e.g. to measure its effect. */
void gr_fast_path_disable(gr_sandbox *s, int off);

/* Line coverage. A callback receives a chunk name ("@rules/steps.lua") and a line. */
typedef void (*gr_line_callback)(void *ctx, const char *source, int line);
void gr_coverage_enable(gr_sandbox *s, int on);
/* Every line executed since coverage was enabled. */
void gr_coverage_hits(gr_sandbox *s, gr_line_callback cb, void *ctx);
/* The lines that hold code, of every Lua function reachable from the registry value `root`
 * (through table fields and function upvalues). */
int gr_active_lines(gr_sandbox *s, int root, gr_line_callback cb, void *ctx);

/* ---- The decision memo (memo.c) ---------------------------------------------------------------
 * The steps' decision is a function of the cells they read. On a row the memo does not know, the
 * prelude runs the steps on a read-only view of the row that records the columns read (first reads,
 * in order) and stages that path with the decision (__gr_memo_stage); the path is stored in a trie
 * when the row succeeds. A later row whose cells walk the trie to a leaf gets the decision without
 * running the steps. The memo holds at most `max_nodes` trie nodes (text cells over 256 bytes, or
 * past 1 MiB of stored text, are never stored); past the cap new paths simply run the steps.
 * It is switched off for the rest of the run when the rules' state (upvalues, module tables) is
 * found changed on a row that ran the steps, or a stored path is contradicted. */
typedef struct gr_memo gr_memo;
/* Turns the memo on for rows run through registry function `fn` (gr_memo_set_function). */
int gr_memo_enable(gr_sandbox *s, size_t max_nodes);
void gr_memo_set_function(gr_sandbox *s, int fn);
/* -1: no memo; 0: on; 1: switched off during the run (the rules changed their own state). */
int gr_memo_status(const gr_sandbox *s, uint64_t *hits, uint64_t *misses, uint64_t *paths, uint64_t *nodes, int *full);

/* memo.c internals, shared with sandbox.c */
gr_memo *gr_memo_new(size_t max_nodes);
void gr_memo_free(gr_memo *m);
int gr_memo_lookup(gr_memo *m, const gr_value *values, int n, int32_t *outcome, int32_t *step);
void gr_memo_begin_row(gr_memo *m);
int gr_memo_stage(gr_memo *m, const int32_t *cols, int ncols, int32_t outcome, int32_t step);
int gr_memo_commit(gr_memo *m, const gr_value *values, int n);
void gr_memo_stats(const gr_memo *m, uint64_t *hits, uint64_t *misses, uint64_t *paths, uint64_t *nodes, int *full);
/* A hash of the state reachable from the table at `roots` (see memo.c). */
uint64_t gr_state_fingerprint(lua_State *L, int roots, int excluded);

/* Pushes the `workdays` library (workdays.c): define, add, between, is_work on day numbers. */
void gr_push_workdays(lua_State *L);

/* Small helpers for Swift, which cannot call Lua's function-like macros. None of them raises. */
static inline int gr_registry_index(void) { return LUA_REGISTRYINDEX; }
static inline void gr_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline int gr_push_ref(lua_State *L, int ref) { return lua_rawgeti(L, LUA_REGISTRYINDEX, ref); }
/* Where a function was defined: its chunk name ("@rules/steps.lua") and first line. Pops it. */
static inline const char *gr_function_source(lua_State *L, int *line) {
    lua_Debug ar;
    if (!lua_getinfo(L, ">S", &ar)) { *line = 0; return ""; }
    *line = ar.linedefined;
    return ar.source;
}

#endif
