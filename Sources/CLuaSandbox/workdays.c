/*
 * Working-day counting as host primitives (`workdays` in every rule file's environment).
 *
 * Which day is a working day is policy and stays in the rules: calendar.lua reads the notice
 * files and calls workdays.define(first_day, working) once, while loading, with one boolean per
 * day. The host only counts: from that it builds a prefix sum and the list of working days, and
 * answers add/between/is_work in O(1) on day numbers (days since 1970-01-01), where the same
 * lookups in Lua cost a function call, two table reads and a range check each.
 *
 * The arrays live outside the Lua heap, one copy per Lua state, and never change after loading
 * (define refuses a second call), so a step that counts working days stays a pure function.
 */
#include "CLuaSandbox.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    lua_Integer lo, hi;    /* first and last day covered */
    int32_t *cum;          /* cum[d - lo + 1] = working days in [lo, d]; cum[0] = 0 */
    lua_Integer *nth;      /* nth[k - 1] = the k-th working day */
    int32_t count;
} gr_workdays;

#define WORKDAYS_META "govrules.workdays"
/* At most 200 years of days: the calendar is one file per year. */
#define WORKDAYS_MAX_DAYS (200 * 366)

static gr_workdays *wd_get(lua_State *L) {
    return (gr_workdays *)lua_touserdata(L, lua_upvalueindex(1));
}

static int wd_gc(lua_State *L) {
    gr_workdays *w = (gr_workdays *)luaL_checkudata(L, 1, WORKDAYS_META);
    free(w->cum);
    free(w->nth);
    w->cum = NULL;
    w->nth = NULL;
    return 0;
}

/* workdays.define(first_day, working): working[i] is true when day first_day + i - 1 is a
 * working day. Once per Lua state. */
static int wd_define(lua_State *L) {
    gr_workdays *w = wd_get(L);
    if (w->cum != NULL) return luaL_error(L, "workdays.define 只能在加载工作日历时调用一次");
    lua_Integer lo = luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
    if (n < 1 || n > WORKDAYS_MAX_DAYS) return luaL_error(L, "workdays.define：天数应为 1 至 %d", WORKDAYS_MAX_DAYS);
    int32_t *cum = malloc((size_t)(n + 1) * sizeof *cum);
    lua_Integer *nth = malloc((size_t)n * sizeof *nth);
    if (cum == NULL || nth == NULL) { free(cum); free(nth); return luaL_error(L, "not enough memory"); }
    int32_t count = 0;
    cum[0] = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        if (lua_toboolean(L, -1)) nth[count++] = lo + i - 1;
        lua_pop(L, 1);
        cum[i] = count;
    }
    w->lo = lo;
    w->hi = lo + n - 1;
    w->cum = cum;
    w->nth = nth;
    w->count = count;
    return 0;
}

/* Working days in [lo, d], or -1 when d is outside [lo - 1, hi]. */
static inline int64_t wd_upto(const gr_workdays *w, lua_Integer d) {
    if (w->cum == NULL || d < w->lo - 1 || d > w->hi) return -1;
    return w->cum[d - w->lo + 1];
}

/* workdays.between(a, b): working days d with a < d <= b (0 when b <= a); nil when a or b is
 * outside the calendar. */
static int wd_between(lua_State *L) {
    const gr_workdays *w = wd_get(L);
    lua_Integer a = luaL_checkinteger(L, 1), b = luaL_checkinteger(L, 2);
    if (b <= a) { lua_pushinteger(L, 0); return 1; }
    int64_t ub = wd_upto(w, b), ua = wd_upto(w, a);
    if (ub < 0 || ua < 0) { lua_pushnil(L); return 1; }
    lua_pushinteger(L, (lua_Integer)(ub - ua));
    return 1;
}

/* workdays.add(d, n): the n-th working day after d (d itself not counted); nil when d or the
 * result is outside the calendar. */
static int wd_add(lua_State *L) {
    const gr_workdays *w = wd_get(L);
    lua_Integer d = luaL_checkinteger(L, 1), n = luaL_checkinteger(L, 2);
    int64_t u = wd_upto(w, d);
    if (u < 0) { lua_pushnil(L); return 1; }
    int64_t k = u + n;
    if (k < 1 || k > w->count) { lua_pushnil(L); return 1; }
    lua_pushinteger(L, w->nth[k - 1]);
    return 1;
}

/* workdays.is_work(d): whether d is a working day; nil outside the calendar. */
static int wd_is_work(lua_State *L) {
    const gr_workdays *w = wd_get(L);
    lua_Integer d = luaL_checkinteger(L, 1);
    int64_t u = wd_upto(w, d), p = wd_upto(w, d - 1);
    if (u < 0 || p < 0 || d < w->lo) { lua_pushnil(L); return 1; }
    lua_pushboolean(L, u != p);
    return 1;
}

/* Pushes a table { define, between, add, is_work } sharing one calendar. */
void gr_push_workdays(lua_State *L) {
    gr_workdays *w = (gr_workdays *)lua_newuserdatauv(L, sizeof *w, 0);
    memset(w, 0, sizeof *w);
    if (luaL_newmetatable(L, WORKDAYS_META)) {
        lua_pushcfunction(L, wd_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    int ud = lua_gettop(L);
    lua_createtable(L, 0, 4);
    static const struct { const char *name; lua_CFunction fn; } fns[] = {
        { "define", wd_define }, { "between", wd_between }, { "add", wd_add }, { "is_work", wd_is_work },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        lua_pushvalue(L, ud);
        lua_pushcclosure(L, fns[i].fn, 1);
        lua_setfield(L, -2, fns[i].name);
    }
    lua_remove(L, ud);
}
