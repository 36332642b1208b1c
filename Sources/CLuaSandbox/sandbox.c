/*
 * The C half of the Lua sandbox.
 *
 * Why C: lua_error is a longjmp. Every Lua API call that may raise (allocation, metamethods,
 * the instruction hook) happens either here inside lua_pcall, or not at all, so no longjmp ever
 * unwinds through Swift frames.
 */
#include "CLuaSandbox.h"

#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <signal.h>
#include <errno.h>
#include <sched.h>

/* Deepest call nesting a rule may reach. Lua's own limit (about 200,000 levels, a million
 * stack slots) takes seconds per row to reach under the memory cap; no rule needs more than a
 * few dozen levels, so a runaway recursion is stopped here, from the hook, within milliseconds. */
#define GR_MAX_DEPTH 10000
#define GR_DEPTH_MESSAGE "stack overflow (more than 10000 nested calls)"

/* How many VM instructions run between two checks of the budget. */
#define GR_HOOK_GRANULARITY 1000
/* Extra memory granted while an error message and traceback are being built after the cap
 * was hit, so that the report of an out-of-memory error does not itself run out of memory. */
#define GR_ERROR_SLACK (256 * 1024)

#define GR_BUDGET_MARK "\x01govrules:budget"
#define GR_PREEMPT_MARK "\x01govrules:preempted"

/* ---- The fast path ------------------------------------------------------------------------------
 * A count hook makes Lua 5.4 stop in luaG_traceexec before every VM instruction, whatever the
 * count; for these rules that is a fifth of the whole run. So a row is first run with no hook at
 * all, and its result is kept only if the row provably stayed within the instruction budget:
 *
 *   - it finished without error in at most GR_FAST_SLICE(budget) nanoseconds of wall time, and
 *   - no CPU executes more than GR_MAX_VM_RATE Lua VM instructions per nanosecond (straight-line
 *     code on a fast core manages about two), so it ran fewer instructions than the budget allows.
 *
 * Wall time bounds the CPU time the row had; the thread's own CPU clock would be tighter (fewer
 * needless re-runs when a worker is descheduled mid-row) but costs a system call per row on Linux.
 *
 * Anything else (an error, a memory failure, a row that ran longer) is thrown away and the row
 * is run again from the start under the counting hook, exactly as without the fast path. Every
 * verdict, including "budget exceeded", is therefore the counted one, the same on any machine.
 * A row that never ends on the fast path is stopped by the watchdog thread: it signals the
 * worker, whose handler arms a hook that raises at every instruction (pcall cannot swallow it),
 * the way lua.c stops a script on SIGINT. */
#define GR_MAX_VM_RATE 8                           /* instructions per nanosecond, an upper bound */
#define GR_FAST_SLICE(budget) (((budget) - 2 * GR_HOOK_GRANULARITY) / GR_MAX_VM_RATE)
#define GR_FAST_MIN_SLICE_NS (1000 * 1000)         /* below 1 ms of slice, always count */
#define GR_PREEMPT_SIGNAL SIGUSR2

struct gr_sandbox {
    lua_State *L;
    size_t used, peak, limit, slack;
    int oom;
    int killed;
    int64_t budget, remaining;
    int symbols_ref;          /* registry ref of the interned-symbol array */
    int nsymbols;
    char *error;              /* last error message (malloc'd, outside the Lua heap) */
    size_t error_len;
    /* Wall-clock watchdog: when the current protected call started (0 = idle), and which row. */
    uint64_t started_ns;
    int64_t row_input, row_number;
    /* The fast path: set while an unhooked row runs on `thread`; `preempted` once the watchdog
     * stopped it. `fast_seq` tells the watchdog's signal for one row from the next row. */
    int fast_running, signalling;
    volatile sig_atomic_t preempted;
    uint64_t fast_seq, preempt_seq;
    pthread_t thread;
    uint64_t fast_rows, counted_rows;
    int fast_disabled;
    /* Line coverage (off unless gr_coverage_enable): per chunk, a bitmap of executed lines. */
    int coverage;
    struct gr_cov_file { char *source; unsigned char *lines; int cap; } *cov;
    int ncov, capcov;
    /* The decision memo (memo.c): NULL when off. `memo_off` 1: switched off for the rest of the
     * run because the rules changed their own state or contradicted it. `state_roots`/`state_excluded`
     * are what the state fingerprint walks; `state0` its value after loading. */
    gr_memo *memo;
    int memo_off;
    int state_roots, state_excluded;
    uint64_t state0;
    /* The row being run, for the memo's staging call; and its lookup result (0: miss). */
    const gr_value *row_values;
    int row_n;
    int memo_hit;
    int32_t hit_outcome, hit_step;
    int memo_fn;              /* registry ref of the function whose rows the memo serves */
    /* The per-row evaluator (gr_set_evaluator): its rows reuse one row table (see "One row table
     * a worker") and their results are read by the host (see "Reading a result"). The table's
     * registry ref (LUA_NOREF until the first row), its metatable's, which of its n columns it
     * holds now, and whether a rule added a key to it on the current row. */
    int eval_fn;
    int reuse_ref, reuse_mt;
    int reuse_n;
    unsigned char *reuse_set;
    int reuse_dirty;
    /* Reading a result: what the prelude registered (LUA_NOREF until then), as registry refs, and
     * whether the last row's result went through `finish`. */
    int reader_finish, reader_outcomes, reader_statuses, reader_steps, reader_last, reader_keys;
    int reader_finished;
    /* Where the rules were when the current call was stopped (budget, memory, stack): "file:line"
     * of the innermost rule frame, written from the hook or the allocator into this fixed buffer
     * (no allocation there), empty when unknown. `stop` says why (GR_STOP_*). */
    char where[512];
    int stop;
};

/* Writes "file:line" of the innermost Lua frame that belongs to a rule file ("@..." chunk)
 * into s->where. Reads the call stack only (lua_getstack / lua_getinfo "Sl" neither allocate
 * nor raise), so it may run inside the hook, the allocator, or while the call is stuck in C. */
static void gr_note_where_in(lua_State *L, char *buf, size_t cap) {
    lua_Debug ar;
    buf[0] = 0;
    if (L == NULL) return;
    for (int level = 0; level < 200 && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) continue;
        if (ar.source == NULL || ar.source[0] != '@' || ar.currentline <= 0) continue;
        snprintf(buf, cap, "%s:%d", ar.source + 1, ar.currentline);
        return;
    }
}

static void gr_note_where(gr_sandbox *s, int stop) {
    if (s->stop != GR_STOP_NONE) return;   /* the first stop of a call is the one that counts */
    s->stop = stop;
    gr_note_where_in(s->L, s->where, sizeof s->where);
}

static int gr_hook_mask(const gr_sandbox *s) {
    return LUA_MASKCOUNT | (s->coverage ? LUA_MASKLINE : 0);
}

static void gr_cov_record(gr_sandbox *s, const char *source, int line) {
    /* Only rule files ("@..."), and a sane line range: coverage memory is outside the Lua cap. */
    if (source == NULL || source[0] != '@' || line <= 0 || line > 200000) return;
    int i;
    for (i = 0; i < s->ncov; i++) {
        if (strcmp(s->cov[i].source, source) == 0) break;
    }
    if (i == s->ncov) {
        if (s->ncov >= 4096) return;
        if (s->ncov == s->capcov) {
            int cap = s->capcov ? s->capcov * 2 : 16;
            void *n = realloc(s->cov, (size_t)cap * sizeof(*s->cov));
            if (n == NULL) return;
            s->cov = n;
            s->capcov = cap;
        }
        char *copy = strdup(source);
        if (copy == NULL) return;
        s->cov[i].source = copy;
        s->cov[i].lines = NULL;
        s->cov[i].cap = 0;
        s->ncov++;
    }
    struct gr_cov_file *f = &s->cov[i];
    if (line >= f->cap) {
        int cap = f->cap ? f->cap : 256;
        while (cap <= line) cap *= 2;
        unsigned char *n = realloc(f->lines, (size_t)cap);
        if (n == NULL) return;
        memset(n + f->cap, 0, (size_t)(cap - f->cap));
        f->lines = n;
        f->cap = cap;
    }
    f->lines[line] = 1;
}

static gr_sandbox *sandbox_of(lua_State *L) {
    return *(gr_sandbox **)lua_getextraspace(L);
}

static void *gr_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    gr_sandbox *s = (gr_sandbox *)ud;
    if (ptr == NULL) osize = 0;
    if (nsize == 0) {
        free(ptr);
        s->used -= osize;
        return NULL;
    }
    if (nsize > osize && s->used + (nsize - osize) > s->limit + s->slack) {
        if (!s->oom && s->L != NULL && __atomic_load_n(&s->started_ns, __ATOMIC_RELAXED) != 0)
            gr_note_where(s, GR_STOP_MEMORY);
        s->oom = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) {
        s->oom = 1;
        return NULL;
    }
    s->used = s->used - osize + nsize;
    if (s->used > s->peak) s->peak = s->used;
    return p;
}

/* The kill hook. Once the budget is spent it re-arms itself to fire on every instruction, so a
 * rule's own pcall may catch the error but can never run another instruction without raising
 * it again: the error always reaches the host. */
static void gr_hook(lua_State *L, lua_Debug *ar) {
    gr_sandbox *s = sandbox_of(L);
    if (ar->event == LUA_HOOKLINE) {
        if (s->killed) { lua_pushstring(L, GR_BUDGET_MARK); lua_error(L); }
        if (lua_getinfo(L, "S", ar)) gr_cov_record(s, ar->source, ar->currentline);
        return;
    }
    if (!s->killed) {
        s->remaining -= GR_HOOK_GRANULARITY;
        if (s->remaining > 0) {
            /* lua_getstack walks the frames from the running one and stops at the bottom, so
             * this costs the current depth (a few frames for sane rules), once per check. */
            lua_Debug deep;
            if (lua_getstack(L, GR_MAX_DEPTH, &deep)) {
                if (s->stop == GR_STOP_NONE && lua_getinfo(L, "Sl", ar) && ar->source[0] == '@' && ar->currentline > 0) {
                    s->stop = GR_STOP_STACK;
                    snprintf(s->where, sizeof s->where, "%s:%d", ar->source + 1, ar->currentline);
                }
                luaL_error(L, GR_DEPTH_MESSAGE);
            }
            return;
        }
        s->killed = 1;
        if (s->stop == GR_STOP_NONE && lua_getinfo(L, "Sl", ar) && ar->source[0] == '@' && ar->currentline > 0) {
            s->stop = GR_STOP_BUDGET;
            snprintf(s->where, sizeof s->where, "%s:%d", ar->source + 1, ar->currentline);
        } else {
            gr_note_where(s, GR_STOP_BUDGET);
        }
        lua_sethook(L, gr_hook, LUA_MASKCOUNT, 1);
    }
    lua_pushstring(L, GR_BUDGET_MARK);
    lua_error(L);
}

static void gr_arm(gr_sandbox *s) {
    s->stop = GR_STOP_NONE;
    s->where[0] = 0;
    s->oom = 0;
    s->killed = 0;
    s->slack = 0;
    s->remaining = s->budget;
    lua_sethook(s->L, gr_hook, gr_hook_mask(s), GR_HOOK_GRANULARITY);
}

static void gr_set_error(gr_sandbox *s, const char *msg, size_t len) {
    free(s->error);
    s->error = (char *)malloc(len + 1);
    if (s->error == NULL) { s->error_len = 0; return; }
    memcpy(s->error, msg, len);
    s->error[len] = 0;
    s->error_len = len;
}

/* Message handler: adds a traceback. Runs after the cap may have been hit, so it gets slack. */
static int gr_traceback(lua_State *L) {
    gr_sandbox *s = sandbox_of(L);
    s->slack = GR_ERROR_SLACK;
    const char *msg = lua_tostring(L, 1);
    if (s->stop == GR_STOP_NONE) {
        /* Where a runtime error was raised; a stack overflow is a stop of its own kind. */
        int overflow = msg != NULL && strstr(msg, "stack overflow") != NULL;
        gr_note_where(s, overflow ? GR_STOP_STACK : GR_STOP_ERROR);
    }
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Turns the outcome of a protected call into a result code and records the message. */
static int gr_finish(gr_sandbox *s, int status, int base) {
    lua_State *L = s->L;
    int code = GR_OK;
    if (status != LUA_OK) {
        size_t len = 0;
        const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        if (s->preempted) {
            code = GR_ERR_PREEMPTED;
        } else if (s->killed) {
            code = GR_ERR_BUDGET;
        } else if (s->oom || status == LUA_ERRMEM) {
            code = GR_ERR_MEMORY;
        } else {
            code = GR_ERR_RUNTIME;
        }
        if (msg) gr_set_error(s, msg, len);
        else gr_set_error(s, "(no message)", 12);
        if (code == GR_ERR_MEMORY) s->stop = GR_STOP_MEMORY;
        if (code == GR_ERR_BUDGET) s->stop = GR_STOP_BUDGET;
        if (status == LUA_ERRERR && s->stop == GR_STOP_NONE) s->stop = GR_STOP_STACK;
        /* A chunk that failed to compile (here or in a required module) is marked by the
         * loader; report it as a syntax error, without the marker or a traceback. */
        if (code == GR_ERR_RUNTIME && s->error && strncmp(s->error, "\x02syntax:", 8) == 0) {
            char *m = s->error + 8;
            char *nl = strstr(m, "\nstack traceback:");
            size_t n = nl ? (size_t)(nl - m) : strlen(m);
            memmove(s->error, m, n);
            s->error[n] = 0;
            s->error_len = n;
            code = GR_ERR_SYNTAX;
        }
    } else if (s->oom) {
        s->stop = GR_STOP_MEMORY;
        /* The rule caught an out-of-memory error with pcall and carried on: the row still fails,
         * because its result may depend on where the allocation failed. */
        code = GR_ERR_MEMORY;
        gr_set_error(s, "not enough memory", 17);
    } else if (s->killed) {
        s->stop = GR_STOP_BUDGET;
        code = GR_ERR_BUDGET;
        gr_set_error(s, GR_BUDGET_MARK, strlen(GR_BUDGET_MARK));
    }
    lua_settop(L, base);
    s->slack = 0;
    lua_sethook(L, gr_hook, gr_hook_mask(s), GR_HOOK_GRANULARITY);
    return code;
}

static uint64_t gr_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Runs fn(job) under lua_pcall, with the traceback handler and a fresh budget: the one way the
 * host enters Lua. The watchdog sees when it started. */
static int gr_protected(gr_sandbox *s, lua_CFunction fn, void *job) {
    lua_State *L = s->L;
    int base = lua_gettop(L);
    gr_arm(s);
    lua_pushcfunction(L, gr_traceback);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, job);
    __atomic_store_n(&s->started_ns, gr_now_ns(), __ATOMIC_RELEASE);
    int status = lua_pcall(L, 1, 0, base + 1);
    __atomic_store_n(&s->started_ns, 0, __ATOMIC_RELEASE);
    return gr_finish(s, status, base);
}

/* The sandbox whose row runs unhooked on this thread, for the preemption signal's handler. */
static __thread gr_sandbox *gr_fast_current __attribute__((tls_model("initial-exec")));
/* Whether this thread can receive the preemption signal: 0 not yet known, 1 yes, -1 no (a thread
 * started by libdispatch blocks every signal, and threads it starts inherit that). Rows on a
 * thread that cannot be preempted always run counted. */
static __thread int gr_thread_preemptible __attribute__((tls_model("initial-exec")));
static int gr_signal_ready;   /* 1: handler installed; 2: and the watchdog runs */

static int gr_this_thread_preemptible(void) {
    if (gr_thread_preemptible == 0) {
        sigset_t cur;
        gr_thread_preemptible =
            pthread_sigmask(SIG_BLOCK, NULL, &cur) == 0 && !sigismember(&cur, GR_PREEMPT_SIGNAL) ? 1 : -1;
    }
    return gr_thread_preemptible > 0;
}

void gr_thread_allow_preemption(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, GR_PREEMPT_SIGNAL);
    if (pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0) gr_thread_preemptible = 1;
}

/* Raises at every instruction once the watchdog has stopped an unhooked row. */
static void gr_preempt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_pushstring(L, GR_PREEMPT_MARK);
    lua_error(L);
}

/* Runs on the worker's own thread. lua_sethook is documented as safe to call from a signal
 * handler (lua.c does so on SIGINT); nothing here allocates or locks. */
static void gr_preempt_handler(int sig) {
    (void)sig;
    int saved = errno;
    gr_sandbox *s = gr_fast_current;
    if (s != NULL && __atomic_load_n(&s->fast_running, __ATOMIC_SEQ_CST) &&
        __atomic_load_n(&s->preempt_seq, __ATOMIC_ACQUIRE) == s->fast_seq) {
        s->preempted = 1;
        lua_sethook(s->L, gr_preempt_hook, LUA_MASKCOUNT, 1);
    }
    errno = saved;
}

int gr_fast_path_enabled(const gr_sandbox *s) {
    return gr_signal_ready == 2 && !s->coverage && !s->fast_disabled &&
           s->budget > 2 * GR_HOOK_GRANULARITY && GR_FAST_SLICE(s->budget) >= GR_FAST_MIN_SLICE_NS;
}

void gr_fast_path_disable(gr_sandbox *s, int off) { s->fast_disabled = off; }

void gr_path_counts(const gr_sandbox *s, uint64_t *fast, uint64_t *counted) {
    *fast = s->fast_rows;
    *counted = s->counted_rows;
}

/* The unhooked run: GR_OK only when the row provably stayed within the budget (see "The fast
 * path" above); anything else means "run it again counted". */
static int gr_protected_fast(gr_sandbox *s, lua_CFunction fn, void *job) {
    lua_State *L = s->L;
    int base = lua_gettop(L);
    s->stop = GR_STOP_NONE;
    s->where[0] = 0;
    s->oom = 0;
    s->killed = 0;
    s->slack = 0;
    s->preempted = 0;
    __atomic_store_n(&s->thread, pthread_self(), __ATOMIC_RELEASE);
    gr_fast_current = s;
    lua_sethook(L, NULL, 0, 0);
    lua_pushcfunction(L, gr_traceback);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, job);
    __atomic_store_n(&s->fast_seq, s->fast_seq + 1, __ATOMIC_RELEASE);
    uint64_t start = gr_now_ns();
    __atomic_store_n(&s->started_ns, start, __ATOMIC_RELEASE);
    __atomic_store_n(&s->fast_running, 1, __ATOMIC_SEQ_CST);
    int status = lua_pcall(L, 1, 0, base + 1);
    __atomic_store_n(&s->fast_running, 0, __ATOMIC_SEQ_CST);
    /* The watchdog may be about to signal this thread: it must not exit meanwhile. */
    while (__atomic_load_n(&s->signalling, __ATOMIC_SEQ_CST)) sched_yield();
    uint64_t elapsed = gr_now_ns() - start;
    __atomic_store_n(&s->started_ns, 0, __ATOMIC_RELEASE);
    gr_fast_current = NULL;
    int code = gr_finish(s, status, base);   /* re-arms the counting hook */
    if (code == GR_OK && (s->preempted || elapsed > (uint64_t)GR_FAST_SLICE(s->budget))) code = GR_ERR_PREEMPTED;
    s->preempted = 0;
    return code;
}

/* ---- Watchdog --------------------------------------------------------------------------------
 * The instruction budget stops Lua code, but not a C library function that runs long without
 * executing VM instructions (a pattern match that backtracks for minutes, say). No C code can be
 * interrupted safely from outside, so when a call into Lua has run longer than the limit the
 * watchdog hands the sandbox to the host's handler, which reports the row and ends the process. */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static gr_sandbox *wd_list[1024];
static int wd_count;
static int wd_running;
static uint64_t wd_limit_ns;
static gr_timeout_callback wd_callback;

static void *gr_watchdog_main(void *arg) {
    (void)arg;
    uint64_t last_activity = 0;   /* the sum of the sandboxes' fast-row counters at the last poll */
    for (;;) {
        /* While unhooked rows are being run, poll once a slice, so a runaway row is stopped
         * between one and two slices after it started (each wake-up costs the workers a little,
         * so not more often); when none has run since the last poll, every 100 ms (a runaway row that
         * starts meanwhile is then stopped up to 100 ms later: a delay, never a wrong verdict,
         * since the worker itself checks how long each row took). */
        uint64_t poll = 100u * 1000 * 1000;
        uint64_t activity = 0;
        int running = 0;
        pthread_mutex_lock(&wd_lock);
        for (int i = 0; i < wd_count; i++) {
            activity += __atomic_load_n(&wd_list[i]->fast_seq, __ATOMIC_ACQUIRE);
            running |= __atomic_load_n(&wd_list[i]->fast_running, __ATOMIC_ACQUIRE);
        }
        if (activity != last_activity || running) {
            for (int i = 0; i < wd_count; i++) {
                int64_t b = wd_list[i]->budget;
                if (b > 2 * GR_HOOK_GRANULARITY && (uint64_t)GR_FAST_SLICE(b) < poll &&
                    GR_FAST_SLICE(b) >= GR_FAST_MIN_SLICE_NS)
                    poll = (uint64_t)GR_FAST_SLICE(b);
            }
        }
        last_activity = activity;
        pthread_mutex_unlock(&wd_lock);
        struct timespec pause = { (time_t)(poll / 1000000000u), (long)(poll % 1000000000u) };
        nanosleep(&pause, NULL);
        uint64_t now = gr_now_ns();
        pthread_mutex_lock(&wd_lock);
        for (int i = 0; i < wd_count; i++) {
            gr_sandbox *s = wd_list[i];
            uint64_t started = __atomic_load_n(&s->started_ns, __ATOMIC_ACQUIRE);
            if (started == 0 || now <= started) continue;
            if (now - started > wd_limit_ns) {
                gr_timeout_callback cb = wd_callback;
                int64_t input = __atomic_load_n(&s->row_input, __ATOMIC_ACQUIRE);
                int64_t row = __atomic_load_n(&s->row_number, __ATOMIC_ACQUIRE);
                /* The worker is stuck inside a C function: its Lua frames stay put while we read
                 * them, and the process ends right after. */
                char where[512];
                gr_note_where_in(s->L, where, sizeof where);
                pthread_mutex_unlock(&wd_lock);
                if (cb) cb(input, row, (double)(now - started) / 1e9, where);
                _exit(1);  /* the callback is expected to exit; never fall back into the stuck call */
            }
            /* The sequence number is read first and checked again after the start time, so a row
             * that has just started is not mistaken for the long one before it. */
            uint64_t seq = __atomic_load_n(&s->fast_seq, __ATOMIC_SEQ_CST);
            started = __atomic_load_n(&s->started_ns, __ATOMIC_SEQ_CST);
            if (started != 0 && now > started && __atomic_load_n(&s->fast_running, __ATOMIC_SEQ_CST) &&
                __atomic_load_n(&s->fast_seq, __ATOMIC_SEQ_CST) == seq &&
                now - started > (uint64_t)GR_FAST_SLICE(s->budget)) {
                if (__atomic_load_n(&s->preempt_seq, __ATOMIC_ACQUIRE) != seq) {
                    __atomic_store_n(&s->preempt_seq, seq, __ATOMIC_RELEASE);
                    /* With `signalling` set, a worker that has just left the row waits for us,
                     * so the thread is alive when it is signalled. */
                    __atomic_store_n(&s->signalling, 1, __ATOMIC_SEQ_CST);
                    if (__atomic_load_n(&s->fast_running, __ATOMIC_SEQ_CST))
                        pthread_kill(__atomic_load_n(&s->thread, __ATOMIC_ACQUIRE), GR_PREEMPT_SIGNAL);
                    __atomic_store_n(&s->signalling, 0, __ATOMIC_SEQ_CST);
                }
            }
        }
        pthread_mutex_unlock(&wd_lock);
    }
    return NULL;
}

void gr_watchdog_configure(double seconds, gr_timeout_callback callback) {
    pthread_mutex_lock(&wd_lock);
    wd_limit_ns = (uint64_t)(seconds * 1e9);
    wd_callback = callback;
    if (!gr_signal_ready) {
        /* Only when nobody else handles the signal: otherwise rows simply always run counted. */
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = gr_preempt_handler;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        if (sigaction(GR_PREEMPT_SIGNAL, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
            (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN) &&
            sigaction(GR_PREEMPT_SIGNAL, &sa, NULL) == 0)
            gr_signal_ready = 1;
        else
            gr_signal_ready = -1;
    }
    if (!wd_running) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, gr_watchdog_main, NULL) == 0) wd_running = 1;
        pthread_attr_destroy(&attr);
    }
    if (gr_signal_ready == 1 && wd_running) gr_signal_ready = 2;   /* the fast path may be used */
    pthread_mutex_unlock(&wd_lock);
}

static void gr_watchdog_add(gr_sandbox *s) {
    pthread_mutex_lock(&wd_lock);
    if (wd_count < (int)(sizeof wd_list / sizeof wd_list[0])) wd_list[wd_count++] = s;
    pthread_mutex_unlock(&wd_lock);
}

static void gr_watchdog_remove(gr_sandbox *s) {
    pthread_mutex_lock(&wd_lock);
    for (int i = 0; i < wd_count; i++) {
        if (wd_list[i] == s) { wd_list[i] = wd_list[--wd_count]; break; }
    }
    pthread_mutex_unlock(&wd_lock);
}

void gr_set_row(gr_sandbox *s, int64_t input, int64_t row) {
    __atomic_store_n(&s->row_input, input, __ATOMIC_RELEASE);
    __atomic_store_n(&s->row_number, row, __ATOMIC_RELEASE);
}

static void gr_panic_message(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "govrules: internal error: unprotected Lua error: %s\n", msg ? msg : "?");
}

static int gr_panic(lua_State *L) {
    gr_panic_message(L);
    return 0; /* Lua aborts after this */
}

gr_sandbox *gr_new(size_t memory_limit, int64_t instruction_budget) {
    gr_sandbox *s = (gr_sandbox *)calloc(1, sizeof(gr_sandbox));
    if (s == NULL) return NULL;
    s->limit = memory_limit;
    s->budget = instruction_budget;
    s->symbols_ref = LUA_NOREF;
    s->state_roots = s->state_excluded = LUA_NOREF;
    s->memo_fn = s->eval_fn = s->reuse_ref = s->reuse_mt = LUA_NOREF;
    s->reader_finish = s->reader_outcomes = s->reader_statuses = LUA_NOREF;
    s->reader_steps = s->reader_last = s->reader_keys = LUA_NOREF;
    s->L = lua_newstate(gr_alloc, s);
    if (s->L == NULL) { free(s); return NULL; }
    *(gr_sandbox **)lua_getextraspace(s->L) = s;
    lua_atpanic(s->L, gr_panic);
    s->row_input = -1;
    s->row_number = -1;
    gr_watchdog_add(s);
    /* Generational GC suits the workload: many short-lived row tables, few long-lived ones. */
    lua_gc(s->L, LUA_GCGEN, 0, 0);
    return s;
}

void gr_free(gr_sandbox *s) {
    if (s == NULL) return;
    gr_watchdog_remove(s);
    if (s->L) lua_close(s->L);
    for (int i = 0; i < s->ncov; i++) { free(s->cov[i].source); free(s->cov[i].lines); }
    free(s->cov);
    gr_memo_free(s->memo);
    free(s->reuse_set);
    free(s->error);
    free(s);
}

lua_State *gr_state(gr_sandbox *s) { return s->L; }
size_t gr_memory_used(const gr_sandbox *s) { return s->used; }
size_t gr_memory_peak(const gr_sandbox *s) { return s->peak; }
void gr_set_budget(gr_sandbox *s, int64_t budget) { s->budget = budget; }

int gr_stop(const gr_sandbox *s, const char **where) {
    if (where) *where = s->where;
    return s->stop;
}

const char *gr_error(const gr_sandbox *s, size_t *len) {
    if (len) *len = s->error_len;
    return s->error ? s->error : "";
}

/* ---- The decision memo's Lua side (see memo.c) ----------------------------------------------- */

static uint64_t gr_state_now(lua_State *L, gr_sandbox *s) {
    if (s->state_roots == LUA_NOREF) return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->state_roots);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->state_excluded);
    uint64_t fp = gr_state_fingerprint(L, -2, -1);
    lua_pop(L, 2);
    return fp;
}

/* __gr_state_setup(roots, excluded): what the fingerprint walks; records its value now. */
static int gr_state_setup_l(lua_State *L) {
    gr_sandbox *s = sandbox_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    s->state_excluded = luaL_ref(L, LUA_REGISTRYINDEX);
    s->state_roots = luaL_ref(L, LUA_REGISTRYINDEX);
    s->state0 = gr_state_now(L, s);
    return 0;
}

/* __gr_state_fingerprint() -> integer (for check's per-step probe). */
static int gr_state_fingerprint_l(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)gr_state_now(L, sandbox_of(L)));
    return 1;
}

/* __gr_memo_stage(reads, n, outcome, step) -> stored, active: after the steps decided a row the memo did
 * not know, with the columns they read (0-based, first reads in order). The path is stored when
 * the row succeeds. If the rules' state is no longer what it was after loading, a step (or the
 * code around it) wrote an upvalue or a module table: the memo is switched off for the run, so
 * every later row runs the rules, exactly as --no-memo would. */
static int gr_memo_stage_l(lua_State *L) {
    gr_sandbox *s = sandbox_of(L);
    if (s->memo == NULL || s->memo_off) { lua_pushboolean(L, 0); lua_pushboolean(L, 0); return 2; }
    if (gr_state_now(L, s) != s->state0) {
        s->memo_off = 1;
        lua_pushboolean(L, 0);
        lua_pushboolean(L, 0);
        return 2;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_checkinteger(L, 2);
    int32_t cols[256];
    if (n < 0 || n > 256) { lua_pushboolean(L, 0); lua_pushboolean(L, 1); return 2; }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        cols[i - 1] = (int32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    int ok = gr_memo_stage(s->memo, cols, (int)n, (int32_t)luaL_checkinteger(L, 3), (int32_t)luaL_checkinteger(L, 4));
    lua_pushboolean(L, ok);
    lua_pushboolean(L, 1);
    return 2;
}

int gr_memo_enable(gr_sandbox *s, size_t max_nodes) {
    if (s->memo == NULL) s->memo = gr_memo_new(max_nodes);
    return s->memo != NULL;
}

int gr_memo_status(const gr_sandbox *s, uint64_t *hits, uint64_t *misses, uint64_t *paths, uint64_t *nodes, int *full) {
    *hits = *misses = *paths = *nodes = 0;
    *full = 0;
    if (s->memo == NULL) return -1;
    gr_memo_stats(s->memo, hits, misses, paths, nodes, full);
    return s->memo_off;
}

/* ---- Reading a result ---------------------------------------------------------------------------
 * The evaluator returns the table `classify` made. Reading its fields and checking them in Lua
 * (the prelude's `finish`) cost more per row than most of the deadline rules, so the host reads a
 * plain result itself: a table with no metatable, no warnings, invalid or provisional, whose
 * outcome and status are known keys. It reads the same fields as `finish` and converts them the
 * same way; anything else (and so every error message about a result) goes through `finish`. */

#define GR_EVAL_RESULTS 14   /* what the evaluator's result becomes (see `finish` in the prelude) */

enum { RK_OUTCOME = 1, RK_STATUS, RK_WARNINGS, RK_INVALID, RK_PROVISIONAL, RK_STEP, RK_REGIME,
       RK_START, RK_DUE, RK_FINAL_DUE, RK_DAYS_LEFT, RK_CALENDAR_YEAR, RK_COUNT = RK_CALENDAR_YEAR };
static const char *const gr_result_keys[RK_COUNT] = {
    "outcome", "status", "warnings", "invalid", "provisional", "step", "regime", "start", "due",
    "final_due", "days_left", "calendar_year"
};

/* __gr_result_reader(finish, outcome_index, status_index, step_index, last) */
static int gr_result_reader_l(lua_State *L) {
    gr_sandbox *s = sandbox_of(L);
    luaL_checktype(L, 1, LUA_TFUNCTION);
    for (int i = 2; i <= 5; i++) luaL_checktype(L, i, LUA_TTABLE);
    lua_settop(L, 5);
    int *refs[5] = { &s->reader_finish, &s->reader_outcomes, &s->reader_statuses, &s->reader_steps,
                     &s->reader_last };
    for (int i = 4; i >= 0; i--) {
        luaL_unref(L, LUA_REGISTRYINDEX, *refs[i]);
        *refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    if (s->reader_keys == LUA_NOREF) {
        lua_createtable(L, RK_COUNT, 0);
        for (int i = 0; i < RK_COUNT; i++) {
            lua_pushstring(L, gr_result_keys[i]);
            lua_rawseti(L, -2, i + 1);
        }
        s->reader_keys = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    s->reader_finished = 0;
    return 0;
}

/* Raises the error for a result field that is not an integer: `pos` is its position among the
 * evaluator's results (3 regime, 4 start, ...), the value is at `idx`. */
static int gr_result_not_integer(lua_State *L, int pos, int idx) {
    static const char *const names[GR_EVAL_RESULTS + 1] = {
        NULL, "outcome", "step", "regime", "start", "due", "final_due", "status", "warnings", "invalid",
        "days_left", "calendar_year", "provisional.due", "provisional.final_due", "provisional.days_left"
    };
    const char *name = pos >= 1 && pos <= GR_EVAL_RESULTS ? names[pos] : "?";
    char shown[96];
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        size_t len = 0;
        const char *text = t == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
        if (t == LUA_TNUMBER) snprintf(shown, sizeof shown, "%.14g", (double)lua_tonumber(L, idx));
        else {
            size_t cut = len > 60 ? 60 : len;   /* at a character boundary: text is UTF-8 */
            while (cut > 0 && cut < len && ((unsigned char)text[cut] & 0xC0) == 0x80) cut--;
            snprintf(shown, sizeof shown, "字符串“%.*s%s”", (int)cut, text, cut < len ? "…" : "");
        }
    } else {
        snprintf(shown, sizeof shown, "%s", luaL_typename(L, idx));
    }
    return luaL_error(L, "classify 的结果中 %s 必须是整数或 nil（日期以 1970-01-01 起的日数表示，如 calendar.day(\"2024-01-02\")），实际是 %s",
                      name, shown);
}

/* Pushes r[key] (raw: a plain result has no metatable). */
static int gr_result_field(lua_State *L, int r, int keys, int key) {
    lua_rawgeti(L, keys, key);
    return lua_rawget(L, r);
}

/* The evaluator's result number `pos` (its position among what `finish` returns), at `idx`: an
 * integer as lua_tointegerx converts it, GR_NONE for nil; anything else raises. */
static int64_t gr_result_integer(lua_State *L, int idx, int pos) {
    if (lua_isnil(L, idx)) return GR_NONE;
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint) gr_result_not_integer(L, pos, idx);
    return (int64_t)v;
}

/* r[key] as result number `pos`. */
static int64_t gr_result_int(lua_State *L, int r, int keys, int key, int pos) {
    gr_result_field(L, r, keys, key);
    int64_t out = gr_result_integer(L, -1, pos);
    lua_pop(L, 1);
    return out;
}

/* The result at the top of the stack into out[0..13]; 0 when it is not plain (left in place). */
static int gr_read_plain_result(lua_State *L, gr_sandbox *s, int64_t *out) {
    int r = lua_gettop(L);
    if (lua_type(L, r) != LUA_TTABLE) return 0;
    if (lua_getmetatable(L, r)) { lua_pop(L, 1); return 0; }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->reader_keys);
    int keys = lua_gettop(L);
    if (gr_result_field(L, r, keys, RK_WARNINGS) != LUA_TNIL ||
        gr_result_field(L, r, keys, RK_INVALID) != LUA_TNIL ||
        gr_result_field(L, r, keys, RK_PROVISIONAL) != LUA_TNIL) { lua_settop(L, r); return 0; }
    lua_settop(L, keys);
    /* outcome and status: known keys, by position (nil status: none). */
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->reader_outcomes);
    gr_result_field(L, r, keys, RK_OUTCOME);
    if (lua_rawget(L, -2) != LUA_TNUMBER || !lua_isinteger(L, -1)) { lua_settop(L, r); return 0; }
    int64_t outcome = lua_tointeger(L, -1);
    lua_settop(L, keys);
    int64_t status = GR_NONE;
    if (gr_result_field(L, r, keys, RK_STATUS) != LUA_TNIL) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->reader_statuses);
        lua_insert(L, -2);
        if (lua_rawget(L, -2) != LUA_TNUMBER || !lua_isinteger(L, -1)) { lua_settop(L, r); return 0; }
        status = lua_tointeger(L, -1);
    }
    lua_settop(L, keys);
    /* step_index[r.step] or 0 (reading with a nil or NaN key finds nothing, as in Lua). */
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->reader_steps);
    gr_result_field(L, r, keys, RK_STEP);
    int64_t step = 0;
    if (lua_rawget(L, -2) != LUA_TNIL) step = lua_tointeger(L, -1);
    lua_settop(L, keys);
    out[0] = outcome;
    out[1] = step;
    out[2] = gr_result_int(L, r, keys, RK_REGIME, 3);
    out[3] = gr_result_int(L, r, keys, RK_START, 4);
    out[4] = gr_result_int(L, r, keys, RK_DUE, 5);
    out[5] = gr_result_int(L, r, keys, RK_FINAL_DUE, 6);
    out[6] = status;
    out[7] = 0;
    out[8] = 0;
    out[9] = gr_result_int(L, r, keys, RK_DAYS_LEFT, 10);
    out[10] = gr_result_int(L, r, keys, RK_CALENDAR_YEAR, 11);
    out[11] = out[12] = out[13] = GR_NONE;
    /* The last row's messages are gone, as `finish` would have left them. */
    if (s->reader_finished) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->reader_last);
        lua_pushnil(L);
        lua_setfield(L, -2, "warnings");
        lua_pushnil(L);
        lua_setfield(L, -2, "invalid");
        s->reader_finished = 0;
    }
    lua_settop(L, r - 1);
    return 1;
}

static int gr_open_libs_p(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_settop(L, 0);
    /* Symbol table for interned strings. */
    lua_newtable(L);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    gr_sandbox *s = sandbox_of(L);
    s->symbols_ref = ref;
    /* Host-only functions for the prelude, which takes them and removes them from _G before
     * any rule file runs (rule files see allow-listed globals only). */
    lua_register(L, "__gr_state_setup", gr_state_setup_l);
    lua_register(L, "__gr_state_fingerprint", gr_state_fingerprint_l);
    lua_register(L, "__gr_memo_stage", gr_memo_stage_l);
    lua_register(L, "__gr_result_reader", gr_result_reader_l);
    gr_push_workdays(L);
    lua_setglobal(L, "__gr_workdays");
    return 0;
}

int gr_open_libs(gr_sandbox *s) {
    return gr_protected(s, gr_open_libs_p, NULL);
}

typedef struct {
    const char *code;
    size_t len;
    const char *chunkname;
    const char *const *args;
    const size_t *arglens;
    int nargs;
    int *refs;
    int nresults;
} gr_chunk_job;

static int gr_run_chunk_p(lua_State *L) {
    gr_chunk_job *job = (gr_chunk_job *)lua_touserdata(L, 1);
    /* mode "t": text only, bytecode is refused. */
    int st = luaL_loadbufferx(L, job->code, job->len, job->chunkname, "t");
    if (st != LUA_OK) {
        lua_pushfstring(L, "\x02syntax:%s", lua_tostring(L, -1));
        return lua_error(L);
    }
    for (int i = 0; i < job->nargs; i++) lua_pushlstring(L, job->args[i], job->arglens[i]);
    lua_call(L, job->nargs, job->nresults);
    for (int i = job->nresults - 1; i >= 0; i--) {
        if (lua_isnil(L, -1)) { lua_pop(L, 1); job->refs[i] = LUA_NOREF; }
        else job->refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return 0;
}

int gr_run_chunk(gr_sandbox *s, const char *code, size_t len, const char *chunkname,
                 const char *const *args, const size_t *arglens, int nargs,
                 int *refs_out, int nresults) {
    gr_chunk_job job = { code, len, chunkname, args, arglens, nargs, refs_out, nresults };
    for (int i = 0; i < nresults; i++) refs_out[i] = LUA_NOREF;
    return gr_protected(s, gr_run_chunk_p, &job);
}

typedef struct { const char *str; size_t len; int index; } gr_intern_job;

static int gr_intern_p(lua_State *L) {
    gr_intern_job *job = (gr_intern_job *)lua_touserdata(L, 1);
    gr_sandbox *s = sandbox_of(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->symbols_ref);
    lua_pushlstring(L, job->str, job->len);
    lua_rawseti(L, -2, s->nsymbols + 1);
    s->nsymbols += 1;
    job->index = s->nsymbols;
    return 0;
}

int gr_intern(gr_sandbox *s, const char *str, size_t len, int *index_out) {
    gr_intern_job job = { str, len, 0 };
    int code = gr_protected(s, gr_intern_p, &job);
    *index_out = job.index;
    return code;
}

typedef struct {
    int fn;
    const int32_t *keys;
    const gr_value *values;
    int n;
    const int64_t *extra;
    int nextra;
    int64_t *out;
    int nout;
} gr_row_job;

static void gr_push_value(lua_State *L, int symbols, const gr_value *v) {
    switch (v->kind) {
    case GR_BOOL: lua_pushboolean(L, v->i != 0); break;
    case GR_INT: lua_pushinteger(L, (lua_Integer)v->i); break;
    case GR_BYTES: lua_pushlstring(L, v->p, v->len); break;
    case GR_SYMBOL: lua_rawgeti(L, symbols, (lua_Integer)v->i); break;
    case GR_SYMBOLSET: {
        uint64_t mask = (uint64_t)v->i;
        int count = 0;
        lua_createtable(L, 4, 0);
        for (int k = 0; k < 64 && mask; k++, mask >>= 1) {
            if (mask & 1u) {
                lua_rawgeti(L, symbols, (lua_Integer)(v->aux + k));
                lua_rawseti(L, -2, ++count);
            }
        }
        break;
    }
    default: lua_pushnil(L); break;
    }
}

/* ---- One row table a worker ------------------------------------------------------------------
 * Building a fresh table for every row (a table, a hash part, a new key per cell, and the garbage
 * collector sweeping it all again) cost more than most rules spend deciding the row. For the
 * per-row evaluator (gr_set_evaluator), one table is kept and rewritten instead: each cell the row
 * has is stored into a key that is already there, and a cell the previous row had but this one
 * has not is set to nil. Nothing a rule does to the table can reach the next row:
 *   - every cell is written again on every row (a rule that overwrote one is undone);
 *   - a key a rule adds goes through __newindex, which marks the table dirty, and a dirty table
 *     is dropped after the row (the next row gets a fresh one);
 *   - list cells are new tables on every row;
 *   - the metatable is protected (__metatable), so it cannot be removed or changed.
 * The rules' pairs() sorts the keys (HostPrelude), so the hash layout earlier rows left behind
 * cannot change an iteration order either. */

static void gr_row_reuse_drop(gr_sandbox *s);

static int gr_row_newindex(lua_State *L) {
    sandbox_of(L)->reuse_dirty = 1;
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* The metatable, made once: __newindex, and __metatable so that it cannot be changed. */
static void gr_row_metatable(lua_State *L, gr_sandbox *s) {
    if (s->reuse_mt != LUA_NOREF) { lua_rawgeti(L, LUA_REGISTRYINDEX, s->reuse_mt); return; }
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, gr_row_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    s->reuse_mt = luaL_ref(L, LUA_REGISTRYINDEX);
}

static void gr_push_reused_row(lua_State *L, gr_sandbox *s, int symbols, const int32_t *keys,
                               const gr_value *values, int n) {
    /* Dirty here: an earlier attempt at this row (stopped and run again counted) added a key. */
    if (s->reuse_ref == LUA_NOREF || s->reuse_n != n || s->reuse_dirty) {
        /* The old table is let go first: if anything below fails (the memory cap), the next
         * attempt starts from scratch again instead of trusting a half-made table. */
        gr_row_reuse_drop(s);
        unsigned char *set = realloc(s->reuse_set, n > 0 ? (size_t)n : 1);
        if (set == NULL) luaL_error(L, "not enough memory");
        memset(set, 0, n > 0 ? (size_t)n : 1);
        s->reuse_set = set;
        lua_createtable(L, 0, n);
        gr_row_metatable(L, s);
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        s->reuse_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        s->reuse_n = n;
        s->reuse_dirty = 0;
    } else {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->reuse_ref);
    }
    unsigned char *set = s->reuse_set;
    for (int i = 0; i < n; i++) {
        const gr_value *v = &values[i];
        if (v->kind == GR_NIL) {
            if (!set[i]) continue;
            set[i] = 0;
            lua_rawgeti(L, symbols, keys[i]);
            lua_pushnil(L);
        } else {
            set[i] = 1;
            lua_rawgeti(L, symbols, keys[i]);
            gr_push_value(L, symbols, v);
        }
        lua_rawset(L, -3);
    }
}

static int gr_call_row_p(lua_State *L) {
    gr_row_job *job = (gr_row_job *)lua_touserdata(L, 1);
    gr_sandbox *s = sandbox_of(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->symbols_ref);
    int symbols = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, job->fn);
    int evaluator = job->fn == s->eval_fn && s->reader_finish != LUA_NOREF && job->nout == GR_EVAL_RESULTS;
    if (evaluator) {
        gr_push_reused_row(L, s, symbols, job->keys, job->values, job->n);
    } else {
        /* Sized for the cells the row has, not for every column: most are empty. */
        int filled = 0;
        for (int i = 0; i < job->n; i++) filled += job->values[i].kind != GR_NIL;
        lua_createtable(L, 0, filled);
        for (int i = 0; i < job->n; i++) {
            const gr_value *v = &job->values[i];
            if (v->kind == GR_NIL) continue;
            lua_rawgeti(L, symbols, job->keys[i]);
            gr_push_value(L, symbols, v);
            lua_rawset(L, -3);
        }
    }
    for (int i = 0; i < job->nextra; i++) lua_pushinteger(L, (lua_Integer)job->extra[i]);
    /* The memo's decision for this row (nil, nil: run the steps). */
    if (s->memo_hit) {
        lua_pushinteger(L, s->hit_outcome);
        lua_pushinteger(L, s->hit_step);
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    if (s->memo) gr_memo_begin_row(s->memo);
    if (evaluator) {
        lua_call(L, 3 + job->nextra, 1);
        if (gr_read_plain_result(L, s, job->out)) return 0;
        /* Not plain: `finish` reads it (and raises whatever is wrong with it). */
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->reader_finish);
        lua_insert(L, -2);
        s->reader_finished = 1;
        lua_call(L, 1, job->nout);
    } else {
        lua_call(L, 3 + job->nextra, job->nout);
    }
    int first = lua_gettop(L) - job->nout + 1;
    for (int i = 0; i < job->nout; i++) {
        int idx = first + i;
        if (evaluator) { job->out[i] = gr_result_integer(L, idx, i + 1); continue; }
        if (lua_isnil(L, idx)) { job->out[i] = GR_NONE; continue; }
        int isint = 0;
        lua_Integer v = lua_tointegerx(L, idx, &isint);
        if (!isint) return luaL_error(L, "host driver returned a non-integer result #%d", i + 1);
        job->out[i] = (int64_t)v;
    }
    return 0;
}

static int gr_call_row_run(gr_sandbox *s, gr_row_job *jobp);

int gr_call_row(gr_sandbox *s, int fn, const int32_t *keys, const gr_value *values, int n,
                const int64_t *extra, int nextra, int64_t *out, int nout) {
    gr_row_job job = { fn, keys, values, n, extra, nextra, out, nout };
    s->row_values = values;
    s->row_n = n;
    s->memo_hit = s->memo != NULL && !s->memo_off && fn == s->memo_fn &&
                  gr_memo_lookup(s->memo, values, n, &s->hit_outcome, &s->hit_step);
    int code = gr_call_row_run(s, &job);
    /* A table a rule added keys to is not reused (a failed row may have left anything in it). */
    if (fn == s->eval_fn && (s->reuse_dirty || code != GR_OK)) gr_row_reuse_drop(s);
    /* A path the steps staged is stored once the row has succeeded: a failed row (an error, the
     * budget, memory) is never remembered, so it fails again the next time. */
    if (s->memo != NULL && fn == s->memo_fn) {
        if (code == GR_OK && !s->memo_off && gr_memo_commit(s->memo, values, n) < 0) s->memo_off = 1;
        gr_memo_begin_row(s->memo);
    }
    s->memo_hit = 0;
    return code;
}

void gr_memo_set_function(gr_sandbox *s, int fn) { s->memo_fn = fn; }

void gr_set_evaluator(gr_sandbox *s, int fn) {
    gr_row_reuse_drop(s);
    s->eval_fn = fn;
}

static void gr_row_reuse_drop(gr_sandbox *s) {
    if (s->reuse_ref != LUA_NOREF) luaL_unref(s->L, LUA_REGISTRYINDEX, s->reuse_ref);
    s->reuse_ref = LUA_NOREF;
    s->reuse_dirty = 0;
}

static int gr_call_row_run(gr_sandbox *s, gr_row_job *jobp) {
    gr_row_job job = *jobp;
    if (gr_fast_path_enabled(s) && gr_this_thread_preemptible()) {
        if (gr_protected_fast(s, gr_call_row_p, &job) == GR_OK) {
            s->fast_rows++;
            return GR_OK;
        }
    }
    s->counted_rows++;
    int code = gr_protected(s, gr_call_row_p, &job);
    if (code == GR_ERR_MEMORY) {
        /* Whether an allocation fits depends on garbage left by earlier rows. Collect it all and
         * run the row once more: the verdict then depends on the live data alone, so the same
         * row gives the same result wherever it falls in the ledger. */
        lua_gc(s->L, LUA_GCCOLLECT, 0);
        code = gr_protected(s, gr_call_row_p, &job);
    }
    return code;
}

typedef struct {
    int fn;
    const char *const *args;
    const size_t *arglens;
    int nargs;
    int *refs;
    int nresults;
} gr_strings_job;

static int gr_call_strings_p(lua_State *L) {
    gr_strings_job *job = (gr_strings_job *)lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, job->fn);
    for (int i = 0; i < job->nargs; i++) {
        if (job->args[i] == NULL) lua_pushnil(L);
        else lua_pushlstring(L, job->args[i], job->arglens[i]);
    }
    lua_call(L, job->nargs, job->nresults);
    for (int i = job->nresults - 1; i >= 0; i--) {
        if (lua_isnil(L, -1)) { lua_pop(L, 1); job->refs[i] = LUA_NOREF; }
        else job->refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return 0;
}

int gr_call_strings(gr_sandbox *s, int fn, const char *const *args, const size_t *arglens, int nargs,
                    int *refs_out, int nresults) {
    gr_strings_job job = { fn, args, arglens, nargs, refs_out, nresults };
    for (int i = 0; i < nresults; i++) refs_out[i] = LUA_NOREF;
    return gr_protected(s, gr_call_strings_p, &job);
}

typedef struct { int fn; int ref; } gr_ref_job;

static int gr_call_ref_p(lua_State *L) {
    gr_ref_job *job = (gr_ref_job *)lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, job->fn);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); job->ref = LUA_NOREF; }
    else job->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int gr_call_ref(gr_sandbox *s, int fn, int *ref_out) {
    gr_ref_job job = { fn, LUA_NOREF };
    int code = gr_protected(s, gr_call_ref_p, &job);
    *ref_out = job.ref;
    return code;
}

int gr_ref_type(gr_sandbox *s, int ref) {
    if (ref == LUA_NOREF || ref == LUA_REFNIL) return LUA_TNIL;
    int t = lua_rawgeti(s->L, LUA_REGISTRYINDEX, ref);
    lua_pop(s->L, 1);
    return t;
}

void gr_unref(gr_sandbox *s, int ref) {
    if (ref == LUA_NOREF || ref == LUA_REFNIL) return;
    luaL_unref(s->L, LUA_REGISTRYINDEX, ref);
}

/* ---- Coverage ------------------------------------------------------------------------------ */

void gr_coverage_enable(gr_sandbox *s, int on) {
    s->coverage = on;
    lua_sethook(s->L, gr_hook, gr_hook_mask(s), GR_HOOK_GRANULARITY);
}

void gr_coverage_hits(gr_sandbox *s, gr_line_callback cb, void *ctx) {
    for (int i = 0; i < s->ncov; i++) {
        struct gr_cov_file *f = &s->cov[i];
        for (int l = 0; l < f->cap; l++) if (f->lines[l]) cb(ctx, f->source, l);
    }
}

typedef struct { gr_line_callback cb; void *ctx; int root; } gr_lines_job;

/* Walks tables and functions reachable from the value at `idx` (table fields, function
 * upvalues), reporting the active lines of every Lua function once. */
static void gr_walk_lines(lua_State *L, int idx, int seen, gr_lines_job *job, int depth) {
    if (depth > 64) return;
    idx = lua_absindex(L, idx);
    int t = lua_type(L, idx);
    if (t != LUA_TTABLE && t != LUA_TFUNCTION) return;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, seen) != LUA_TNIL) { lua_pop(L, 1); return; }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, seen);
    luaL_checkstack(L, 8, "coverage walk");
    if (t == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, idx) != 0) {
            gr_walk_lines(L, -1, seen, job, depth + 1);
            lua_pop(L, 1);
        }
        return;
    }
    if (lua_iscfunction(L, idx)) return;
    lua_Debug ar;
    lua_pushvalue(L, idx);
    if (lua_getinfo(L, ">SL", &ar)) {
        /* stack: activelines table */
        if (lua_istable(L, -1) && ar.source[0] == '@') {
            lua_pushnil(L);
            while (lua_next(L, -2) != 0) {
                if (lua_isinteger(L, -2)) job->cb(job->ctx, ar.source, (int)lua_tointeger(L, -2));
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    for (int n = 1; ; n++) {
        const char *name = lua_getupvalue(L, idx, n);
        if (name == NULL) break;
        gr_walk_lines(L, -1, seen, job, depth + 1);
        lua_pop(L, 1);
    }
}

static int gr_active_lines_p(lua_State *L) {
    gr_lines_job *job = (gr_lines_job *)lua_touserdata(L, 1);
    lua_newtable(L);
    int seen = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, job->root);
    gr_walk_lines(L, -1, seen, job, 0);
    return 0;
}

int gr_active_lines(gr_sandbox *s, int root, gr_line_callback cb, void *ctx) {
    gr_lines_job job = { cb, ctx, root };
    int saved = s->coverage;
    s->coverage = 0;
    int code = gr_protected(s, gr_active_lines_p, &job);
    s->coverage = saved;
    lua_sethook(s->L, gr_hook, gr_hook_mask(s), GR_HOOK_GRANULARITY);
    return code;
}
