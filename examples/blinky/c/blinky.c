// Blinky in C: toggles one granted output pin on every timer tick and logs each change.
// Same behaviour as examples/blinky/rust:
// - `init(config)`: `config` is the pin's logical name in UTF-8; empty means "the first pin the
//   grants allow as an output".
// - `configure("period-ms", "250")` changes the blink period (default 500 ms).
// - `start()` opens the pin (inactive) and registers a repeating timer; every `on-ready` with the
//   timer's token toggles the pin. `stop()` unregisters the timer and releases the pin.
// Freestanding: no libc; the bindings' arena serves the canonical-ABI allocations.

#include "blinky.h"
#include "embwit.h"

#define TICK ((embwit_applet_events_token_t)1)
#define DEFAULT_PERIOD_MS 500

typedef exports_embwit_applet_lifecycle_error_t lifecycle_error_t;
typedef blinky_result_void_exports_embwit_applet_lifecycle_error_t lifecycle_result_t;

static struct {
  bool initialized;
  uint8_t pin_name[64];
  size_t pin_name_len;
  uint64_t period_ms;
  bool has_pin;
  embwit_gpio_pins_output_pin_t pin;
  uint64_t toggles;
} state;

static void log_text(embwit_platform_logging_level_t level, const embwit_text_t *text) {
  blinky_string_t message = { text->buf, text->len };
  embwit_platform_logging_log(level, EMBWIT_STR(blinky_string_t, "blinky"), message);
}

static void info(const char *message) {
  embwit_platform_logging_log(EMBWIT_PLATFORM_LOGGING_LEVEL_INFO,
                              EMBWIT_STR(blinky_string_t, "blinky"),
                              blinky_string_borrow(message));
}

static lifecycle_result_t ok(void) {
  lifecycle_result_t r = { .is_err = false };
  return r;
}

// Errors carry static strings: the bindings free returned strings through `embwit_free`, which
// ignores memory outside its arena.
static lifecycle_result_t error(uint8_t tag, const char *message) {
  lifecycle_result_t r = { .is_err = true };
  r.val.err.tag = tag;
  if (tag == EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_COMMON) {
    r.val.err.val.common = EMBWIT_TYPES_COMMON_ERROR_CLASS_DENIED;
  } else {
    r.val.err.val.failed = blinky_string_borrow(message);
  }
  return r;
}

// The name of a GPIO error case, for messages (the same words the Rust applet prints).
static const char *gpio_error_name(const embwit_gpio_types_error_t *e) {
  switch (e->tag) {
    case EMBWIT_GPIO_TYPES_ERROR_COMMON:
      return "Common";
    case EMBWIT_GPIO_TYPES_ERROR_MODE_NOT_GRANTED:
      return "ModeNotGranted";
    case EMBWIT_GPIO_TYPES_ERROR_CONFLICTING_CONFIG:
      return "ConflictingConfig";
    default:
      return "WrongDirection";
  }
}

// Error messages built at run time live here until the host has read them (`embwit_free`
// ignores memory outside its arena).
static uint8_t message_buf[96];

static lifecycle_result_t failed_with(const char *what, const char *why) {
  embwit_text_t text = embwit_text(message_buf, sizeof message_buf);
  embwit_text_str(&text, what);
  embwit_text_str(&text, ": ");
  embwit_text_str(&text, why);
  lifecycle_result_t r = { .is_err = true };
  r.val.err.tag = EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_FAILED;
  r.val.err.val.failed = (blinky_string_t){ text.buf, text.len };
  return r;
}

static bool set_pin_name(const uint8_t *name, size_t len) {
  if (len == 0 || len > sizeof state.pin_name) {
    return false;
  }
  for (size_t i = 0; i < len; i++) {
    state.pin_name[i] = name[i];
  }
  state.pin_name_len = len;
  return true;
}

// The first granted pin the applet may drive.
static bool first_output_grant(void) {
  blinky_list_embwit_applet_grants_capability_t caps = embwit_applet_grants_granted();
  bool found = false;
  for (size_t i = 0; i < caps.len && !found; i++) {
    embwit_applet_grants_capability_t *cap = &caps.ptr[i];
    if (cap->tag == EMBWIT_APPLET_GRANTS_CAPABILITY_GPIO &&
        (cap->val.gpio.mode == EMBWIT_APPLET_GRANTS_PIN_MODE_OUTPUT ||
         cap->val.gpio.mode == EMBWIT_APPLET_GRANTS_PIN_MODE_FLEX)) {
      found = set_pin_name(cap->val.gpio.name.ptr, cap->val.gpio.name.len);
    }
  }
  blinky_list_embwit_applet_grants_capability_free(&caps);
  return found;
}

lifecycle_result_t exports_embwit_applet_lifecycle_init(blinky_list_u8_t config) {
  bool from_grants = config.len == 0;
  bool named = from_grants ? first_output_grant() : set_pin_name(config.ptr, config.len);
  blinky_list_u8_free(&config);
  if (!named) {
    return from_grants ? error(EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_COMMON, NULL)
                           : error(EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_INVALID_CONFIG,
                                   "pin name must be 1 to 64 bytes");
  }
  state.initialized = true;
  state.period_ms = DEFAULT_PERIOD_MS;
  state.toggles = 0;
  uint8_t buf[96];
  embwit_text_t text = embwit_text(buf, sizeof buf);
  embwit_text_str(&text, "init: pin `");
  embwit_text_bytes(&text, state.pin_name, state.pin_name_len);
  embwit_text_str(&text, "`");
  log_text(EMBWIT_PLATFORM_LOGGING_LEVEL_INFO, &text);
  return ok();
}

lifecycle_result_t exports_embwit_applet_lifecycle_configure(blinky_string_t key,
                                                             blinky_list_u8_t value) {
  lifecycle_result_t result = ok();
  uint64_t ms = 0;
  if (!state.initialized) {
    result = error(EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_FAILED, "configure: before init");
  } else if (!embwit_bytes_eq(key.ptr, key.len, "period-ms")) {
    result = error(EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_INVALID_CONFIG, "unknown key");
  } else if (!embwit_parse_u64(value.ptr, value.len, &ms) || ms == 0) {
    result = error(EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_INVALID_CONFIG,
                   "period-ms wants a positive integer");
  } else {
    state.period_ms = ms;
    uint8_t buf[64];
    embwit_text_t text = embwit_text(buf, sizeof buf);
    embwit_text_str(&text, "period set to ");
    embwit_text_u64(&text, ms);
    embwit_text_str(&text, " ms");
    log_text(EMBWIT_PLATFORM_LOGGING_LEVEL_INFO, &text);
  }
  blinky_string_free(&key);
  blinky_list_u8_free(&value);
  return result;
}

lifecycle_result_t exports_embwit_applet_lifecycle_start(void) {
  if (!state.initialized) {
    return error(EXPORTS_EMBWIT_APPLET_LIFECYCLE_ERROR_FAILED, "start: before init");
  }
  embwit_gpio_pins_output_config_t config = {
    .drive = EMBWIT_GPIO_TYPES_DRIVE_PUSH_PULL,
    .active_low = false,
    .initial = EMBWIT_GPIO_TYPES_LOGIC_INACTIVE,
  };
  blinky_string_t name = { state.pin_name, state.pin_name_len };
  blinky_result_own_embwit_gpio_pins_output_pin_embwit_gpio_types_error_t opened =
      embwit_gpio_pins_open_output(name, config);
  if (opened.is_err) {
    return failed_with("open", gpio_error_name(&opened.val.err));
  }
  blinky_result_void_embwit_applet_events_error_t timer =
      embwit_applet_events_every(state.period_ms * EMBWIT_NS_PER_MS, TICK);
  if (timer.is_err) {
    embwit_gpio_pins_output_pin_drop(opened.val.ok);
    return failed_with("timer", "refused");
  }
  state.pin = opened.val.ok;
  state.has_pin = true;
  uint8_t buf[64];
  embwit_text_t text = embwit_text(buf, sizeof buf);
  embwit_text_str(&text, "started: toggling every ");
  embwit_text_u64(&text, state.period_ms);
  embwit_text_str(&text, " ms");
  log_text(EMBWIT_PLATFORM_LOGGING_LEVEL_INFO, &text);
  return ok();
}

void exports_embwit_applet_lifecycle_stop(void) {
  (void)embwit_applet_events_unregister(TICK);
  if (state.has_pin) {
    embwit_gpio_pins_output_pin_drop(state.pin);
    state.has_pin = false;
  }
  if (state.initialized) {
    uint8_t buf[64];
    embwit_text_t text = embwit_text(buf, sizeof buf);
    embwit_text_str(&text, "stopped after ");
    embwit_text_u64(&text, state.toggles);
    embwit_text_str(&text, " toggles");
    log_text(EMBWIT_PLATFORM_LOGGING_LEVEL_INFO, &text);
  }
}

void exports_embwit_applet_reactor_on_ready(blinky_list_u64_t ready) {
  for (size_t i = 0; i < ready.len; i++) {
    if (ready.ptr[i] != TICK || !state.has_pin) {
      continue;
    }
    embwit_gpio_pins_borrow_output_pin_t pin = embwit_gpio_pins_output_pin_borrow(state.pin);
    blinky_result_void_embwit_gpio_types_error_t toggled = embwit_gpio_pins_output_pin_toggle(pin);
    if (toggled.is_err) {
      info("toggle failed");
      continue;
    }
    state.toggles++;
    bool active = embwit_gpio_pins_output_pin_last_set(pin) == EMBWIT_GPIO_TYPES_LOGIC_ACTIVE;
    uint8_t buf[64];
    embwit_text_t text = embwit_text(buf, sizeof buf);
    embwit_text_str(&text, "tick ");
    embwit_text_u64(&text, state.toggles);
    embwit_text_str(&text, active ? ": pin active" : ": pin inactive");
    log_text(EMBWIT_PLATFORM_LOGGING_LEVEL_INFO, &text);
  }
  blinky_list_u64_free(&ready);
}
