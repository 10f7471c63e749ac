// embwit.h: small freestanding helpers for C applets, usable with any generated world header.
// Header-only, C11, no libc. Include it after (or instead of) <stdint.h>.
#ifndef EMBWIT_H
#define EMBWIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// A `<world>_string_t` (type `T`) borrowing a string literal: EMBWIT_STR(blinky_string_t, "hi").
#define EMBWIT_STR(T, lit) ((T){ (uint8_t *)(lit), sizeof(lit) - 1 })

// A `<world>_list_u8_t` (type `T`) borrowing a byte array.
#define EMBWIT_BYTES(T, array) ((T){ (uint8_t *)(array), sizeof(array) })

// Nanoseconds in a millisecond, for `duration` values.
#define EMBWIT_NS_PER_MS UINT64_C(1000000)

// True when the `len` bytes at `ptr` spell the NUL-terminated `s`.
static inline bool embwit_bytes_eq(const uint8_t *ptr, size_t len, const char *s) {
  size_t i = 0;
  for (; i < len; i++) {
    if (s[i] == '\0' || (uint8_t)s[i] != ptr[i]) {
      return false;
    }
  }
  return s[i] == '\0';
}

// Parses the `len` ASCII digits at `ptr` (surrounding spaces allowed) into `*out`.
// Returns false on anything else, on an empty number, or on overflow.
static inline bool embwit_parse_u64(const uint8_t *ptr, size_t len, uint64_t *out) {
  size_t i = 0;
  uint64_t v = 0;
  bool any = false;
  while (i < len && ptr[i] == ' ') {
    i++;
  }
  for (; i < len && ptr[i] >= '0' && ptr[i] <= '9'; i++) {
    uint64_t digit = (uint64_t)(ptr[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) {
      return false;
    }
    v = v * 10 + digit;
    any = true;
  }
  while (i < len && ptr[i] == ' ') {
    i++;
  }
  if (!any || i != len) {
    return false;
  }
  *out = v;
  return true;
}

// A small text builder over a caller-provided buffer; output past `cap` is dropped.
typedef struct embwit_text {
  uint8_t *buf;
  size_t len;
  size_t cap;
} embwit_text_t;

static inline embwit_text_t embwit_text(uint8_t *buf, size_t cap) {
  return (embwit_text_t){ buf, 0, cap };
}

static inline void embwit_text_str(embwit_text_t *t, const char *s) {
  for (; *s != '\0' && t->len < t->cap; s++) {
    t->buf[t->len++] = (uint8_t)*s;
  }
}

static inline void embwit_text_bytes(embwit_text_t *t, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n && t->len < t->cap; i++) {
    t->buf[t->len++] = p[i];
  }
}

static inline void embwit_text_u64(embwit_text_t *t, uint64_t v) {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0 && t->len < t->cap) {
    t->buf[t->len++] = (uint8_t)digits[--n];
  }
}

#endif // EMBWIT_H
