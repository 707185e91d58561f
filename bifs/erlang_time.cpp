// Time: Erlang monotonic and system time, time units, timestamps, unique
// integers, and the calendar conversions (local time, universal time, POSIX
// seconds).
//
// Time model (the reference's, with a nanosecond native unit):
//   internal monotonic time  nanoseconds since the VM started, plus one unit
//                            (so it is always positive)
//   Erlang monotonic time    internal + MONOTONIC_OFFSET, which starts near
//                            the smallest small integer
//   time offset              fixed at start: OS system time - internal time
//   Erlang system time       internal + time offset
// Conversions to units the table below does not know (perf_counter, other
// positive integers) and of negative values trap to erlang:convert_time_unit/3.
#include <time.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/erlang_time.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/scheduler.h"

namespace bvm {

namespace {

constexpr int64_t NATIVE_UNIT = 1000 * 1000 * 1000;  // nanoseconds
constexpr int64_t PERF_COUNTER_UNIT = 1000 * 1000 * 1000;
// Erlang monotonic time starts at the unit multiple nearest MIN_SMALL.
constexpr int64_t MONOTONIC_START = (MIN_SMALL / NATIVE_UNIT) * NATIVE_UNIT;
constexpr int64_t MONOTONIC_OFFSET = MONOTONIC_START - NATIVE_UNIT;

int64_t steady_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t os_system_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

struct TimeBase {
  int64_t steady_start;
  int64_t offset;  // system time - internal monotonic time
  TimeBase() {
    steady_start = steady_ns();
    offset = os_system_ns() - NATIVE_UNIT;
  }
};
const TimeBase time_base;

int64_t internal_monotonic() { return NATIVE_UNIT + (steady_ns() - time_base.steady_start); }

// Converts `val` (internal native time, shifted by muloff * MONOTONIC_OFFSET
// in the target unit) to the unit `unit`.
Term convert_time(Process* p, Term* args, Term unit, int64_t val, int64_t muloff) {
  static const Term a_native = atom_put("native");
  static const Term a_perf_counter = atom_put("perf_counter");
  static const Term a_second = atom_put("second"), a_seconds = atom_put("seconds");
  static const Term a_millisecond = atom_put("millisecond"), a_milli_seconds = atom_put("milli_seconds");
  static const Term a_microsecond = atom_put("microsecond"), a_micro_seconds = atom_put("micro_seconds");
  static const Term a_nanosecond = atom_put("nanosecond"), a_nano_seconds = atom_put("nano_seconds");
  static const Export* convert_time_unit = export_put(am::erlang, atom_put("convert_time_unit"), 3);
  if (val >= 0) {
    int64_t per = 0;  // native units per target unit
    if (unit == a_native || unit == a_nanosecond || unit == a_nano_seconds || unit == make_small(NATIVE_UNIT))
      per = 1;
    else if (unit == a_second || unit == a_seconds || unit == make_small(1))
      per = NATIVE_UNIT;
    else if (unit == a_millisecond || unit == a_milli_seconds || unit == make_small(1000))
      per = NATIVE_UNIT / 1000;
    else if (unit == a_microsecond || unit == a_micro_seconds || unit == make_small(1000 * 1000))
      per = NATIVE_UNIT / (1000 * 1000);
    if (per) return make_integer(p, val / per + muloff * (MONOTONIC_OFFSET / per));
    bool positive_integer = is_small(unit) ? small_val(unit) > 0 : is_big(unit) && !big_negative(unit);
    if (unit != a_perf_counter && !positive_integer) return raise_badarg(p);
  }
  // erlang:convert_time_unit(Value, NativeUnit, Unit) does the rest.
  args[0] = make_integer(p, val + muloff * MONOTONIC_OFFSET);
  args[1] = make_small(NATIVE_UNIT);
  args[2] = unit;
  return bif_trap(p, convert_time_unit);
}

// {MegaSecs, Secs, MicroSecs} of a time in microseconds.
Term timestamp_tuple(Process* p, int64_t us) {
  int64_t secs = us / 1000000;
  return make_tuple(p, {make_integer(p, secs / 1000000), make_small(secs % 1000000), make_small(us % 1000000)});
}

// ---- calendar

struct DateTime {
  SWord year, month, day, hour, minute, second;
};

Term datetime_tuple(Process* p, const DateTime& t) {
  Term date = make_tuple(p, {make_integer(p, t.year), make_integer(p, t.month), make_integer(p, t.day)});
  Term time = make_tuple(p, {make_integer(p, t.hour), make_integer(p, t.minute), make_integer(p, t.second)});
  return make_tuple(p, {date, time});
}

DateTime from_tm(const struct tm& tm) {
  return {SWord(tm.tm_year) + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

// {{Y, M, D}, {H, Mi, S}} with small integers (not yet range checked).
bool datetime_parts(Term t, DateTime* out) {
  if (!is_tuple(t) || tuple_arity(t) != 2) return false;
  Term date = tuple_elem(t, 1), time = tuple_elem(t, 2);
  if (!is_tuple(date) || !is_tuple(time) || tuple_arity(date) != 3 || tuple_arity(time) != 3) return false;
  for (UWord i = 1; i <= 3; i++)
    if (!is_small(tuple_elem(date, i)) || !is_small(tuple_elem(time, i))) return false;
  *out = {small_val(tuple_elem(date, 1)), small_val(tuple_elem(date, 2)), small_val(tuple_elem(date, 3)),
          small_val(tuple_elem(time, 1)), small_val(tuple_elem(time, 2)), small_val(tuple_elem(time, 3))};
  return true;
}

bool is_leap_year(SWord y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

const int days_in_month[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// A valid date and time from `min_year` on (seconds 0..59: no leap seconds).
bool valid_datetime(const DateTime& t, SWord min_year) {
  if (t.year < min_year || t.year > INT_MAX - 1 || t.month < 1 || t.month > 12) return false;
  SWord mdays = days_in_month[t.month] + (t.month == 2 && is_leap_year(t.year) ? 1 : 0);
  return t.day >= 1 && t.day <= mdays && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 &&
         t.second >= 0 && t.second <= 59;
}

// Days from 1970-01-01 to a (valid, year >= 1600) date.
int64_t days_since_epoch(SWord year, SWord month, SWord day) {
  int64_t days = 0;  // from 1600-01-01
  int64_t years = year - 1600;
  if (years > 0) {
    int64_t y = years - 1;  // whole years after 1600 (a leap year: 366 days)
    days = 366 + y * 365 + y / 4 - y / 100 + y / 400;
  }
  for (SWord m = 1; m < month; m++) days += days_in_month[m];
  if (month > 2 && is_leap_year(year)) days++;
  days += day - 1;
  constexpr int64_t days_1600_to_1970 = 135140;
  return days - days_1600_to_1970;
}

int64_t datetime_to_seconds(const DateTime& t) {
  return days_since_epoch(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

// POSIX seconds to a proleptic Gregorian date and time (any int64).
DateTime seconds_to_datetime(int64_t secs) {
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    days--;
    rem += 86400;
  }
  DateTime t{};
  t.hour = rem / 3600;
  t.minute = rem % 3600 / 60;
  t.second = rem % 60;
  // Civil date from days, with years starting on March 1 (day 0 = 0000-03-01).
  int64_t d = days + 719468;
  int64_t y = (10000 * d + 14780) / 3652425;
  int64_t doy = d - (365 * y + y / 4 - y / 100 + y / 400);
  if (doy < 0) {
    y--;
    doy = d - (365 * y + y / 4 - y / 100 + y / 400);
  }
  int64_t mp = (100 * doy + 52) / 3060;  // month from March = 0
  t.month = (mp + 2) % 12 + 1;
  t.year = y + (mp + 2) / 12;
  t.day = doy - (mp * 306 + 5) / 10 + 1;
  return t;
}

// mktime, also accepting the one second whose time_t is -1.
bool local_mktime(struct tm* tm, time_t* out) {
  time_t c = mktime(tm);
  if (c != -1) {
    *out = c;
    return true;
  }
  tm->tm_sec--;
  c = mktime(tm);
  tm->tm_sec++;
  *out = -1;
  return c == -2;
}

bool local_to_universal(DateTime* t, int isdst) {
  if (!valid_datetime(*t, 1902)) return false;
  struct tm tm {};
  tm.tm_year = int(t->year - 1900);
  tm.tm_mon = int(t->month - 1);
  tm.tm_mday = int(t->day);
  tm.tm_hour = int(t->hour);
  tm.tm_min = int(t->minute);
  tm.tm_sec = int(t->second);
  tm.tm_isdst = isdst;
  time_t clock;
  if (!local_mktime(&tm, &clock)) {
    // A zone without DST may refuse isdst = true: read it as standard time.
    if (!isdst) return false;
    tm.tm_isdst = 0;
    if (!local_mktime(&tm, &clock)) return false;
  }
  struct tm utc;
  if (!gmtime_r(&clock, &utc)) return false;
  *t = from_tm(utc);
  return true;
}

bool universal_to_local(DateTime* t) {
  if (!valid_datetime(*t, 1902)) return false;
  time_t clock = time_t(datetime_to_seconds(*t));
  struct tm local;
  if (!localtime_r(&clock, &local)) return false;
  *t = from_tm(local);
  return true;
}

DateTime now_local() {
  time_t clock = time(nullptr);
  struct tm tm;
  localtime_r(&clock, &tm);
  return from_tm(tm);
}

DateTime now_universal() {
  time_t clock = time(nullptr);
  struct tm tm;
  gmtime_r(&clock, &tm);
  return from_tm(tm);
}

// ---- unique integers
//
// Not monotonic: each scheduler counts on its own (no counter shared by
// all), other threads share one. As in the reference, an integer is the
// counter shifted left past a thread id (1..N for the schedulers, 0 for
// other threads), with room for as many ids as erlang:system_info reports
// schedulers, dirty CPU and dirty I/O schedulers, then offset to start at
// MIN_SMALL (or at 1 when positive).
// Monotonic ones come from one global counter.

std::atomic<uint64_t> unique_counter{0};  // threads that are not schedulers
std::atomic<uint64_t> unique_monotonic_counter{0};
std::atomic<int64_t> last_now_us{0};

unsigned unique_thread_bits() {
  static const unsigned bits = [] {
    uint64_t max_id = 2 * uint64_t(scheduler_count()) + DIRTY_IO_SCHEDULERS;
    unsigned b = 0;
    while (b < 64 && (max_id >> b)) b++;
    return b;
  }();
  return bits;
}

// The integer of counter value `count` of thread `thr`.
Term unique_from_parts(Process* p, uint64_t thr, uint64_t count, bool positive) {
  unsigned bits = unique_thread_bits();
  unsigned __int128 raw = (static_cast<unsigned __int128>(count) << bits) | thr;
  __int128 v = positive ? static_cast<__int128>(raw) + 1 : static_cast<__int128>(raw) + MIN_SMALL;
  if (v >= INT64_MIN && v <= INT64_MAX) return make_integer(p, int64_t(v));
  unsigned __int128 mag = static_cast<unsigned __int128>(v);  // positive here
  UWord limbs[2] = {UWord(mag), UWord(mag >> 64)};
  UWord n = limbs[1] ? 2 : 1;
  UWord used;
  return make_integer_from_limbs(p->halloc(big_words(n)), limbs, n, false, &used);
}

Term unique_value(Process* p, bool positive) {
  if (Scheduler* s = current_scheduler()) return unique_from_parts(p, s->id, s->unique++, positive);
  return unique_from_parts(p, 0, unique_counter.fetch_add(1), positive);
}

Term unique_monotonic_value(Process* p, bool positive) {
  uint64_t n = unique_monotonic_counter.fetch_add(1);
  if (positive) return make_uinteger(p, n + 1);
  return make_integer(p, int64_t(n) + MIN_SMALL);
}

}  // namespace

bool timer_deadline_us(int64_t ms, bool abs, int64_t* at_us) {
  // The expiry in internal native time must be a positive int64.
  __int128 now = internal_monotonic();
  __int128 at = abs ? __int128(ms) * 1000000 - MONOTONIC_OFFSET : now + __int128(ms) * 1000000;
  if (at > INT64_MAX || (abs && at < 0) || (!abs && ms < 0)) return false;
  if (at < now) at = now;
  *at_us = int64_t((at - NATIVE_UNIT + time_base.steady_start) / 1000);
  return true;
}

BIF_FN(erlang_monotonic_time_0) {
  (void)args;
  return make_integer(p, internal_monotonic() + MONOTONIC_OFFSET);
}
BIF_FN(erlang_monotonic_time_1) { return convert_time(p, args, args[0], internal_monotonic(), 1); }

BIF_FN(erlang_system_time_0) {
  (void)args;
  return make_integer(p, internal_monotonic() + time_base.offset);
}
BIF_FN(erlang_system_time_1) {
  return convert_time(p, args, args[0], internal_monotonic() + time_base.offset, 0);
}

BIF_FN(erlang_time_offset_0) {
  (void)args;
  return make_integer(p, time_base.offset - MONOTONIC_OFFSET);
}
BIF_FN(erlang_time_offset_1) { return convert_time(p, args, args[0], time_base.offset, -1); }

BIF_FN(erlang_timestamp_0) {
  (void)args;
  return timestamp_tuple(p, (internal_monotonic() + time_base.offset) / 1000);
}

// Like timestamp/0, but strictly increasing over all calls.
BIF_FN(erlang_now_0) {
  (void)args;
  int64_t now = (internal_monotonic() + time_base.offset) / 1000;
  int64_t prev = last_now_us.load();
  for (;;) {
    if (now <= prev) now = prev + 1;
    if (last_now_us.compare_exchange_weak(prev, now)) break;
  }
  return timestamp_tuple(p, now);
}

BIF_FN(erlang_unique_integer_0) {
  (void)args;
  return unique_value(p, false);
}

// erts_debug:get_internal_state({make_unique_integer, ThreadId, Count}).
Term unique_integer_debug(Process* p, Term thr, Term count) {
  uint64_t t, c;
  if (!term_to_uint64(thr, &t) || !term_to_uint64(count, &c)) return raise_badarg(p);
  return unique_from_parts(p, t, c, false);
}

BIF_FN(erlang_unique_integer_1) {
  static const Term a_positive = atom_put("positive");
  static const Term a_monotonic = atom_put("monotonic");
  bool positive = false, monotonic = false;
  Term l = args[0];
  for (; is_list(l); l = cdr(l)) {
    if (car(l) == a_positive) positive = true;
    else if (car(l) == a_monotonic) monotonic = true;
    else return raise_badarg(p);
  }
  if (!is_nil(l)) return raise_badarg(p);
  return monotonic ? unique_monotonic_value(p, positive) : unique_value(p, positive);
}

BIF_FN(erts_internal_time_unit_0) {
  (void)args;
  return make_integer(p, NATIVE_UNIT);
}
BIF_FN(erts_internal_perf_counter_unit_0) {
  (void)args;
  return make_integer(p, PERF_COUNTER_UNIT);
}

BIF_FN(os_timestamp_0) {
  (void)args;
  return timestamp_tuple(p, os_system_ns() / 1000);
}
BIF_FN(os_system_time_0) {
  (void)args;
  return make_integer(p, os_system_ns());
}
BIF_FN(os_system_time_1) { return convert_time(p, args, args[0], os_system_ns(), 0); }
BIF_FN(os_perf_counter_0) {
  (void)args;
  return make_integer(p, steady_ns());
}

BIF_FN(erlang_localtime_0) {
  (void)args;
  return datetime_tuple(p, now_local());
}
BIF_FN(erlang_universaltime_0) {
  (void)args;
  return datetime_tuple(p, now_universal());
}
BIF_FN(erlang_date_0) {
  (void)args;
  DateTime t = now_local();
  return make_tuple(p, {make_integer(p, t.year), make_small(t.month), make_small(t.day)});
}
BIF_FN(erlang_time_0) {
  (void)args;
  DateTime t = now_local();
  return make_tuple(p, {make_small(t.hour), make_small(t.minute), make_small(t.second)});
}

BIF_FN(erlang_localtime_to_universaltime_2) {
  int isdst;
  if (args[1] == am::true_) isdst = 1;
  else if (args[1] == am::false_) isdst = 0;
  else if (args[1] == am::undefined) isdst = -1;
  else return raise_badarg(p);
  DateTime t;
  if (!datetime_parts(args[0], &t) || !local_to_universal(&t, isdst)) return raise_badarg(p);
  return datetime_tuple(p, t);
}

BIF_FN(erlang_universaltime_to_localtime_1) {
  DateTime t;
  if (!datetime_parts(args[0], &t) || !universal_to_local(&t)) return raise_badarg(p);
  return datetime_tuple(p, t);
}

BIF_FN(erlang_universaltime_to_posixtime_1) {
  DateTime t;
  if (!datetime_parts(args[0], &t) || !valid_datetime(t, 1600)) return raise_badarg(p);
  return make_integer(p, datetime_to_seconds(t));
}

BIF_FN(erlang_posixtime_to_universaltime_1) {
  int64_t secs;
  if (!term_to_int64(args[0], &secs)) return raise_badarg(p);
  return datetime_tuple(p, seconds_to_datetime(secs));
}

}  // namespace bvm
