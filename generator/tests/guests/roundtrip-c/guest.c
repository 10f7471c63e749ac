// The round-trip guest in C (same behaviour as host-macros/tests/guests/embwit): every
// `guest-fns` export forwards to the matching `host-fns` import and returns the host's answer;
// `accumulator` is a resource the guest defines. Export arguments are owned here and freed after
// the forwarded call; the host's answers are returned as they are (the bindings free them once
// the host has read them).

#include "roundtrip.h"

#define G(name) exports_embwit_roundtrip_guest_fns_##name
#define H(name) embwit_roundtrip_host_fns_##name

typedef exports_embwit_roundtrip_guest_fns_accumulator_t acc_t;
typedef exports_embwit_roundtrip_guest_fns_own_accumulator_t own_acc_t;

struct exports_embwit_roundtrip_guest_fns_accumulator {
  int64_t total;
  bool in_use;
};

// Accumulators live in a fixed pool: no heap needed for the applet's own state.
static acc_t pool[64];
static uint32_t destroyed;

static acc_t *acc_alloc(int64_t start) {
  for (size_t i = 0; i < sizeof pool / sizeof pool[0]; i++) {
    if (!pool[i].in_use) {
      pool[i].in_use = true;
      pool[i].total = start;
      return &pool[i];
    }
  }
  __builtin_trap();
}

bool G(echo_bool)(bool x) { return H(echo_bool)(x); }

roundtrip_tuple8_u8_s8_u16_s16_u32_s32_u64_s64_t G(echo_ints)(uint8_t a, int8_t b, uint16_t c,
                                                             int16_t d, uint32_t e, int32_t f,
                                                             uint64_t g, int64_t h) {
  return H(echo_ints)(a, b, c, d, e, f, g, h);
}

roundtrip_tuple2_f32_f64_t G(echo_floats)(float a, double b) { return H(echo_floats)(a, b); }

uint32_t G(echo_char)(uint32_t c) { return H(echo_char)(c); }

roundtrip_string_t G(echo_string)(roundtrip_string_t s) {
  roundtrip_string_t r = H(echo_string)(s);
  roundtrip_string_free(&s);
  return r;
}

roundtrip_list_u8_t G(echo_bytes)(roundtrip_list_u8_t b) {
  roundtrip_list_u8_t r = H(echo_bytes)(b);
  roundtrip_list_u8_free(&b);
  return r;
}

roundtrip_list_string_t G(echo_strings)(roundtrip_list_string_t s) {
  roundtrip_list_string_t r = H(echo_strings)(s);
  roundtrip_list_string_free(&s);
  return r;
}

exports_embwit_roundtrip_guest_fns_everything_t G(echo_everything)(
    exports_embwit_roundtrip_guest_fns_everything_t e) {
  exports_embwit_roundtrip_guest_fns_everything_t r = H(echo_everything)(e);
  embwit_roundtrip_types_everything_free(&e);
  return r;
}

exports_embwit_roundtrip_guest_fns_shape_t G(echo_shape)(exports_embwit_roundtrip_guest_fns_shape_t s) {
  exports_embwit_roundtrip_guest_fns_shape_t r = H(echo_shape)(s);
  embwit_roundtrip_types_shape_free(&s);
  return r;
}

exports_embwit_roundtrip_guest_fns_color_t G(echo_color)(exports_embwit_roundtrip_guest_fns_color_t c) {
  return H(echo_color)(c);
}

exports_embwit_roundtrip_guest_fns_perms_t G(echo_perms)(exports_embwit_roundtrip_guest_fns_perms_t p) {
  return H(echo_perms)(p);
}

roundtrip_option_string_t G(echo_option)(roundtrip_option_string_t o) {
  roundtrip_option_string_t r = H(echo_option)(o);
  roundtrip_option_string_free(&o);
  return r;
}

roundtrip_result_u32_string_t G(echo_result)(roundtrip_result_u32_string_t r) {
  roundtrip_result_u32_string_t answer = H(echo_result)(r);
  roundtrip_result_u32_string_free(&r);
  return answer;
}

exports_embwit_roundtrip_guest_fns_deep_t G(echo_deep)(exports_embwit_roundtrip_guest_fns_deep_t d) {
  exports_embwit_roundtrip_guest_fns_deep_t r = H(echo_deep)(d);
  embwit_roundtrip_types_deep_free(&d);
  return r;
}

roundtrip_string_t G(many_args)(uint8_t a1, uint16_t a2, uint32_t a3, uint64_t a4, int8_t a5,
                                int16_t a6, int32_t a7, int64_t a8, float a9, double a10,
                                uint32_t a11, bool a12, roundtrip_string_t a13, uint32_t a14,
                                uint32_t a15, uint32_t a16, uint32_t a17) {
  roundtrip_string_t r =
      H(many_args)(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17);
  roundtrip_string_free(&a13);
  return r;
}

uint32_t G(counters)(uint32_t start) {
  H(counter_t) a = H(counter_constructor)(start);
  H(counter_t) b = H(counter_constructor)(10);
  (void)H(counter_add)(H(counter_borrow)(a), 5);
  H(counter_t) c = H(counter_sum)(H(counter_borrow)(a), H(counter_borrow)(b));
  H(counter_drop)(a);
  uint32_t seen = H(counter_value)(H(counter_borrow)(c));
  (void)H(counter_add)(H(counter_borrow)(c), seen);
  uint32_t result = H(consume_counter)(c);
  H(counter_drop)(b);
  return result;
}

H(counter_t) G(pass_counter)(H(counter_t) c) {
  (void)H(counter_add)(H(counter_borrow)(c), 1);
  return c;
}

uint32_t G(peek_counter)(H(borrow_counter_t) c) { return H(counter_get)(c); }

own_acc_t G(accumulator_constructor)(int64_t start) {
  return G(accumulator_new)(acc_alloc(start));
}

int64_t G(accumulator_add)(acc_t *self, int64_t n) {
  self->total += n;
  return self->total;
}

int64_t G(accumulator_total)(acc_t *self) { return self->total; }

own_acc_t G(accumulator_merge)(own_acc_t a, acc_t *b) {
  int64_t sum = G(accumulator_rep)(a)->total + b->total;
  G(accumulator_drop_own)(a);
  return G(accumulator_new)(acc_alloc(sum));
}

void G(accumulator_destructor)(acc_t *rep) {
  rep->in_use = false;
  destroyed++;
}

uint32_t G(destroyed)(void) { return destroyed; }
