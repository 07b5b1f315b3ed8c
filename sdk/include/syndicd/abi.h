// SPDX-License-Identifier: Apache-2.0
/* syndicd plugin ABI, version 1.3.
 *
 * This is the whole contract between the syndicd daemon (the host) and a
 * plugin shared object. Only C types cross it: no C++ types, no exceptions.
 *
 * Versioning (the rules GStreamer and OBS use):
 *  - A plugin exports exactly one symbol, syndicd_plugin_entry(). The host
 *    passes its ABI major; a plugin built for another major returns NULL or a
 *    descriptor whose abi_major differs, and the host refuses to load it.
 *  - Every struct that may grow starts with `struct_size`. A reader only reads
 *    the first struct_size bytes; fields added in later minor versions are
 *    appended at the end, so old plugins keep working with new hosts.
 *  - A plugin whose abi_minor is greater than the host's is refused: it may
 *    call host functions the host does not have.
 *
 * Ownership: `syndicd_str` and every pointer the host passes to a plugin are
 * owned by the host and valid only for the duration of that call or callback;
 * a plugin that needs the data later copies it. Pointers a plugin passes to
 * the host (emit, complete) are copied by the host before the call returns.
 *
 * Threading: every call into one plugin instance, and every callback it asked
 * for, runs serialised on the daemon's event loop thread. None may block.
 * CPU-heavy work goes to host->run_in_worker().
 */
#ifndef SYNDICD_ABI_H
#define SYNDICD_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SYNDICD_ABI_MAJOR 1
/* Minor versions: 1.0 the first; 1.1 the capability field flags
 * (SYNDICD_FIELD_FETCHED, _LOCAL_FILES, _PUBLISHED) and no filter kind; 1.2
 * the article flags SYNDICD_ARTICLE_BODY_GUESSED and _NO_LEAD and the field
 * flags SYNDICD_FIELD_ARTICLE_PAGE and _TIMEZONE; 1.3 the sinks' render(). */
#define SYNDICD_ABI_MINOR 3

/* The name of the one symbol a plugin exports. */
#define SYNDICD_PLUGIN_ENTRY_SYMBOL "syndicd_plugin_entry"

#if defined(__GNUC__)
#define SYNDICD_EXPORT __attribute__((visibility("default")))
#else
#define SYNDICD_EXPORT
#endif

/* A UTF-8 string view. Not NUL-terminated in general; data may be NULL when
 * size is 0. */
typedef struct syndicd_str {
  const char* data;
  size_t size;
} syndicd_str;

/* Outcome of a call or of asynchronous work. */
typedef enum syndicd_status {
  SYNDICD_OK = 0,
  /* Bad configuration; the message names the key (see host->config_error). */
  SYNDICD_ERR_CONFIG = 1,
  /* Worth retrying later: network error, timeout, 5xx. */
  SYNDICD_ERR_TRANSIENT = 2,
  /* Never worth retrying with the same input: 4xx, unparseable content. */
  SYNDICD_ERR_PERMANENT = 3,
  /* The remote side asks us to slow down; see retry_after_ms. Counts as an
     attempt unless the sink paused itself (Delivery::pause). */
  SYNDICD_ERR_RATE_LIMITED = 4,
  /* Credentials rejected: the sink is paused (an hour, or the sink's own
     pause), the delivery goes back to pending without counting as an
     attempt, and a reload or restart ends the pause. */
  SYNDICD_ERR_AUTH = 5,
  /* The plugin does not implement this yet. Never reported as success. */
  SYNDICD_ERR_NOT_IMPLEMENTED = 6,
  /* A bug or an unexpected exception inside the plugin. */
  SYNDICD_ERR_INTERNAL = 7
} syndicd_status;

typedef enum syndicd_kind {
  SYNDICD_KIND_SOURCE = 1,
  SYNDICD_KIND_SINK = 2,
  /* Refused since 1.1: no host ever called `filter`, and a pipeline's filters
   * and transforms are the daemon's own steps. The value stays reserved. */
  SYNDICD_KIND_FILTER = 3
} syndicd_kind;

typedef enum syndicd_log_level {
  SYNDICD_LOG_ERROR = 3,
  SYNDICD_LOG_WARNING = 4,
  SYNDICD_LOG_NOTICE = 5,
  SYNDICD_LOG_INFO = 6,
  SYNDICD_LOG_DEBUG = 7
} syndicd_log_level;

/* ------------------------------------------------------------------------ */
/* Configuration schema: a plugin declares its section, the host validates it */
/* and applies defaults, so the plugin writes no parsing code.               */

typedef enum syndicd_type {
  SYNDICD_TYPE_STRING = 1,
  SYNDICD_TYPE_INT = 2,      /* 64-bit signed integer */
  SYNDICD_TYPE_BOOL = 3,     /* true/false */
  SYNDICD_TYPE_DURATION = 4, /* "90s", "10m", "1h", "3d", "250ms"; read as milliseconds */
  SYNDICD_TYPE_SIZE = 5,     /* "8MiB", "512KiB", "1000"; read as bytes */
  SYNDICD_TYPE_URL = 6,      /* absolute http(s):// or file:// URL */
  SYNDICD_TYPE_ENUM = 7,     /* one of `choices` */
  SYNDICD_TYPE_STRING_LIST = 8,
  SYNDICD_TYPE_STRING_MAP = 9, /* string keys to string values */
  SYNDICD_TYPE_OBJECT = 10,    /* a nested map described by `children` */
  SYNDICD_TYPE_PATH = 11       /* a filesystem path */
} syndicd_type;

/* Field flags. */
#define SYNDICD_FIELD_REQUIRED 0x1u
/* A secret: never printed, not in errors, not in `plugins --describe` defaults. */
#define SYNDICD_FIELD_SECRET 0x2u
/* An OBJECT that may also be written as a plain scalar, which then sets its
 * first child. `published: "css:.date"` == `published: {select: "css:.date"}`. */
#define SYNDICD_FIELD_SHORTHAND 0x4u
/* Capabilities (ABI 1.1): what the host does with a key's value, so that it
 * never has to know a plugin by its name or its keys. A 1.0 plugin declares
 * none and gets what an undeclared key gets. The host refuses a plugin that
 * puts one on a key of the wrong type or kind. */
/* Sources: a URL (or STRING_LIST of URLs) the source fetches; the host names
 * it in logs about the source. */
#define SYNDICD_FIELD_FETCHED 0x8u
/* Sources, with FETCHED: the value may be a file:// URL. When it is, the
 * instance's fetches may read local files (never on redirects); otherwise the
 * host refuses file:// for the instance, and `check` refuses a file:// value
 * of a FETCHED key without this flag. */
#define SYNDICD_FIELD_LOCAL_FILES 0x10u
/* Sinks: a PATH whose file the sink publishes (a feed it writes); the host's
 * HTTP server serves it as /feeds/<sink name>.xml. */
#define SYNDICD_FIELD_PUBLISHED 0x20u
/* Sources (ABI 1.2): an ENUM with the choice "article", which makes the
 * source read the URL of its first FETCHED key as one article page instead
 * of a list page or feed. `syndicd preview --article URL` sets it; a source
 * without one cannot be previewed that way. */
#define SYNDICD_FIELD_ARTICLE_PAGE 0x40u
/* Sources (ABI 1.2): a STRING UTC offset ("+07:00") that the source reads
 * the site's times in; the host shows the source's articles in that zone
 * (`syndicd preview`). */
#define SYNDICD_FIELD_TIMEZONE 0x80u

/* C++ gets default member initializers so schemas can be written with
 * designated initializers naming only what they set; the layout is the same. */
#ifdef __cplusplus
#define SYNDICD_DEFAULT(value) = value
#else
#define SYNDICD_DEFAULT(value)
#endif

/* One key of a plugin's configuration section. Arrays of fields end with an
 * entry whose name is NULL. */
typedef struct syndicd_field {
  const char* name SYNDICD_DEFAULT(nullptr);
  syndicd_type type SYNDICD_DEFAULT(SYNDICD_TYPE_STRING);
  uint32_t flags SYNDICD_DEFAULT(0);
  /* Default in config syntax ("20", "10m", "true"); NULL for none. */
  const char* default_value SYNDICD_DEFAULT(nullptr);
  /* One sentence for `syndicd plugins --describe` and docs. */
  const char* description SYNDICD_DEFAULT(nullptr);
  /* ENUM: the allowed values, NULL-terminated. */
  const char* const* choices SYNDICD_DEFAULT(nullptr);
  /* OBJECT: the nested keys, ending with a NULL name. */
  const struct syndicd_field* children SYNDICD_DEFAULT(nullptr);
  /* INT/DURATION/SIZE: inclusive bounds when min < max. */
  int64_t min SYNDICD_DEFAULT(0);
  int64_t max SYNDICD_DEFAULT(0);
  void* reserved[2] SYNDICD_DEFAULT({});
} syndicd_field;

/* A validated configuration section. Opaque; read it with the host's cfg_*
 * functions. Paths are dotted keys ("list.links"); list items and map entries
 * are addressed by index ("exclude[2]"). */
typedef struct syndicd_config syndicd_config;

/* ------------------------------------------------------------------------ */
/* Articles                                                                   */

/* Time stamps are milliseconds since the Unix epoch, UTC. */
#define SYNDICD_TIME_NONE INT64_MIN

/* Article flags: which fields came from a fallback rather than from what
 * the page or feed says. Operators watch them to see a site's template
 * change (the preview's "guessed" key, the poll log's guessed=N). */
/* `published` is the time the article was first seen, not a date the source gave. */
#define SYNDICD_ARTICLE_DATE_GUESSED 0x1u
/* The body is a source's fallback (e.g. the largest text block of the page)
 * because its main rules found no convincing article (ABI 1.2). */
#define SYNDICD_ARTICLE_BODY_GUESSED 0x2u
/* The source gave no lead/summary; the host sets it (ABI 1.2). */
#define SYNDICD_ARTICLE_NO_LEAD 0x4u

typedef struct syndicd_image {
  syndicd_str url;
  syndicd_str alt;
  syndicd_str caption;
} syndicd_image;

typedef struct syndicd_kv {
  syndicd_str key;
  syndicd_str value;
} syndicd_kv;

typedef struct syndicd_article {
  uint32_t struct_size;
  uint32_t flags;
  syndicd_str id; /* stable: feed GUID, or source + canonical URL */
  syndicd_str url;
  syndicd_str title;
  syndicd_str lead;      /* sapo / summary, plain text */
  syndicd_str body_html; /* sanitised HTML */
  syndicd_str body_text;
  syndicd_str author;
  syndicd_str language; /* BCP 47, e.g. "vi" */
  syndicd_str source;   /* the source's configured name; set by the host */
  int64_t published;    /* SYNDICD_TIME_NONE when unknown */
  int64_t updated;
  const syndicd_image* images;
  size_t image_count;
  const syndicd_str* videos; /* e.g. YouTube video ids */
  size_t video_count;
  const syndicd_str* tags;
  size_t tag_count;
  /* Fields the pipeline derived (slug, hashtags, content_hash, ...). */
  const syndicd_kv* extra;
  size_t extra_count;
} syndicd_article;

/* ------------------------------------------------------------------------ */
/* Fetching (all network input goes through the host's fetcher)              */

/* Fetch request flags. */
/* Send If-None-Match / If-Modified-Since remembered for this URL; a 304
 * answer arrives with not_modified set and an empty body. */
#define SYNDICD_FETCH_CONDITIONAL 0x1u
/* Deliver the body bytes as received (no charset decoding, no NFC). */
#define SYNDICD_FETCH_RAW 0x2u

typedef struct syndicd_fetch_request {
  uint32_t struct_size;
  uint32_t flags;
  syndicd_str url;
  syndicd_str method; /* empty = GET */
  const syndicd_kv* headers;
  size_t header_count;
  syndicd_str body;
  int64_t timeout_ms; /* 0 = the configured default */
  int64_t max_body;   /* 0 = the configured default */
} syndicd_fetch_request;

/* Why a fetch failed; SYNDICD_FETCH_E_NONE when an HTTP answer arrived (any
 * status: the plugin decides what a 404 means). */
typedef enum syndicd_fetch_error {
  SYNDICD_FETCH_E_NONE = 0,
  SYNDICD_FETCH_E_BAD_URL = 1,
  SYNDICD_FETCH_E_FORBIDDEN_SCHEME = 2,
  SYNDICD_FETCH_E_FORBIDDEN_ADDRESS = 3,
  SYNDICD_FETCH_E_RESOLVE = 4,
  SYNDICD_FETCH_E_CONNECT = 5,
  SYNDICD_FETCH_E_TIMEOUT = 6,
  SYNDICD_FETCH_E_TOO_LARGE = 7,
  SYNDICD_FETCH_E_TOO_MANY_REDIRECTS = 8,
  SYNDICD_FETCH_E_TLS = 9,
  SYNDICD_FETCH_E_PROTOCOL = 10,
  SYNDICD_FETCH_E_CANCELLED = 11,
  SYNDICD_FETCH_E_IO = 12
} syndicd_fetch_error;

typedef struct syndicd_fetch_response {
  uint32_t struct_size;
  syndicd_fetch_error error;
  syndicd_str error_message; /* names the URL */
  int32_t status;            /* HTTP status, 0 when none */
  int32_t not_modified;      /* 1 for a 304 to a conditional request */
  syndicd_str url;           /* the final URL after redirects */
  syndicd_str content_type;  /* media type without parameters */
  syndicd_str charset;       /* the charset the body was decoded from */
  const syndicd_kv* headers; /* lower-case names */
  size_t header_count;
  syndicd_str body; /* UTF-8 NFC for text bodies unless SYNDICD_FETCH_RAW */
} syndicd_fetch_response;

typedef void (*syndicd_fetch_cb)(void* user, const syndicd_fetch_response* response);
/* `fired` is 1 when the delay passed, 0 when cancelled (or at shutdown). */
typedef void (*syndicd_timer_cb)(void* user, int fired);
typedef void (*syndicd_receive_cb)(void* user, syndicd_str value);
typedef void (*syndicd_work_fn)(void* user);

/* ------------------------------------------------------------------------ */
/* Sinks: deliveries and their outcomes                                       */

typedef struct syndicd_delivery {
  uint32_t struct_size;
  uint32_t attempt;                 /* 1 on the first try */
  uint64_t token;                   /* pass back to host->complete */
  syndicd_str previous_external_id; /* set when this delivery updates an earlier one */
  const syndicd_article* article;
} syndicd_delivery;

typedef struct syndicd_result {
  uint32_t struct_size;
  syndicd_status status;
  syndicd_str external_id; /* e.g. the Facebook post id; on success */
  syndicd_str message;     /* on failure; never contains secrets */
  int64_t retry_after_ms;  /* 0 = the host's backoff */
  /* Pause the whole sink until this wall-clock time (ms); 0 = no pause. */
  int64_t pause_until;
} syndicd_result;

/* Outcome of reconcile(): the delivery was made before a crash (adopt the
 * external id), or not found (deliver again). */
#define SYNDICD_RECONCILE_FOUND 1
#define SYNDICD_RECONCILE_NOT_FOUND 0

/* ------------------------------------------------------------------------ */
/* The host table                                                             */

/* Identifies one plugin instance to the host (its name, log fields, state
 * namespace). Opaque; owned by the host; valid until destroy() returns. */
typedef struct syndicd_host_ctx syndicd_host_ctx;

typedef struct syndicd_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;

  /* Logging; the host adds the instance name and formats for journald. */
  void (*log)(syndicd_host_ctx* ctx, syndicd_log_level level, syndicd_str message);

  /* Report a problem with one key of the instance's configuration; the host
   * turns `path` into file:line:col. Use inside create(). */
  void (*config_error)(syndicd_host_ctx* ctx, const char* path, syndicd_str message);

  /* Configuration accessors (valid during create() only). Missing optional
   * keys without default read as empty / 0. */
  int (*cfg_has)(const syndicd_config* cfg, const char* path);
  syndicd_str (*cfg_string)(const syndicd_config* cfg, const char* path);
  int64_t (*cfg_int)(const syndicd_config* cfg,
                     const char* path); /* INT, BOOL, DURATION (ms), SIZE (bytes) */
  size_t (*cfg_count)(const syndicd_config* cfg, const char* path); /* LIST/MAP entries */
  syndicd_str (*cfg_key)(const syndicd_config* cfg, const char* path, size_t index); /* MAP keys */

  /* Asynchronous fetch; `cb` runs later on the loop, exactly once (also on
   * cancel and on shutdown, with SYNDICD_FETCH_E_CANCELLED). Returns an id. */
  uint64_t (*fetch)(syndicd_host_ctx* ctx, const syndicd_fetch_request* request,
                    syndicd_fetch_cb cb, void* user);
  void (*fetch_cancel)(syndicd_host_ctx* ctx, uint64_t id);

  /* One-shot timer; `cb` runs on the loop exactly once: when it fires, or
   * with fired=0 when cancelled or when the instance is destroyed. */
  uint64_t (*timer_start)(syndicd_host_ctx* ctx, int64_t delay_ms, syndicd_timer_cb cb, void* user);
  void (*timer_cancel)(syndicd_host_ctx* ctx, uint64_t id);

  /* Small persistent key/value space of this instance. state_get calls
   * `receive` synchronously with the value and returns 1, or returns 0. */
  int (*state_get)(syndicd_host_ctx* ctx, syndicd_str key, syndicd_receive_cb receive, void* user);
  int (*state_put)(syndicd_host_ctx* ctx, syndicd_str key, syndicd_str value);
  int (*state_delete)(syndicd_host_ctx* ctx, syndicd_str key);

  /* Sources: hand one article of poll `poll_token` to the pipeline. */
  syndicd_status (*emit)(syndicd_host_ctx* ctx, uint64_t poll_token,
                         const syndicd_article* article);
  /* Sources: the poll is over. `message` explains a failure. */
  void (*poll_complete)(syndicd_host_ctx* ctx, uint64_t poll_token, syndicd_status status,
                        syndicd_str message);
  /* Sinks: the outcome of deliver(); for reconcile() use reconcile_complete. */
  void (*deliver_complete)(syndicd_host_ctx* ctx, uint64_t token, const syndicd_result* result);
  void (*reconcile_complete)(syndicd_host_ctx* ctx, uint64_t token, int found,
                             syndicd_str external_id);

  /* Wall clock, ms since the epoch, UTC (tests may move it). */
  int64_t (*now)(syndicd_host_ctx* ctx);

  /* Run `work` on the host's worker pool, then `done` on the loop. Both run
   * exactly once. `work` must not call the host table. */
  void (*run_in_worker)(syndicd_host_ctx* ctx, syndicd_work_fn work, syndicd_work_fn done,
                        void* user);
} syndicd_host_api;

/* ------------------------------------------------------------------------ */
/* The plugin descriptor                                                      */

/* Descriptor flags. */
/* The plugin is declared but does not work yet: `check` warns, and any use
 * fails with SYNDICD_ERR_NOT_IMPLEMENTED. */
#define SYNDICD_PLUGIN_INCOMPLETE 0x1u
/* Sinks: delivering the same article twice does no harm (a file, a feed), so
 * in_flight deliveries are simply retried after a crash. */
#define SYNDICD_PLUGIN_IDEMPOTENT 0x2u

typedef struct syndicd_plugin {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  syndicd_kind kind;
  uint32_t flags;
  const char* name;        /* unique per kind: "rss", "html", ... */
  const char* version;     /* the plugin's own version */
  const char* description; /* one paragraph for `plugins --describe` */
  const syndicd_field* schema;

  /* Create an instance from a validated configuration section. Must not
   * block or do I/O. Returns SYNDICD_OK and sets *instance, or an error after
   * reporting it with host->config_error / host->log. */
  syndicd_status (*create)(const syndicd_host_api* host, syndicd_host_ctx* ctx,
                           const syndicd_config* config, void** instance);
  /* Release an instance. Outstanding fetches and timers have been cancelled. */
  void (*destroy)(void* instance);

  /* SYNDICD_KIND_SOURCE: start one poll. Emit articles with host->emit and
   * end with host->poll_complete(poll_token), exactly once. */
  syndicd_status (*poll)(void* instance, uint64_t poll_token);

  /* SYNDICD_KIND_SINK: deliver one article; end with host->deliver_complete. */
  syndicd_status (*deliver)(void* instance, const syndicd_delivery* delivery);
  /* SYNDICD_KIND_SINK, optional (NULL): after a crash, was this in_flight
   * delivery made? End with host->reconcile_complete. */
  syndicd_status (*reconcile)(void* instance, const syndicd_delivery* delivery);

  /* Reserved (the filter kind of ABI 1.0, never called; see syndicd_kind). */
  int (*filter)(void* instance, const syndicd_article* article);

  /* SYNDICD_KIND_SINK, optional (NULL), ABI 1.3: what deliver() would post
   * for this delivery, as text for a person deciding whether it goes out
   * (`syndicd review show`): a Page post's message and link, a video's new
   * description. Posts nothing, and must not block or do I/O (no fetch, no
   * timer); it may read the instance's state. On SYNDICD_OK, *out holds the
   * text, owned by the instance and valid until its next call; on an error,
   * *out may hold why. The host reads this member only from a descriptor
   * whose struct_size covers it. */
  syndicd_status (*render)(void* instance, const syndicd_delivery* delivery, syndicd_str* out);
} syndicd_plugin;

/* The one exported symbol. `host_abi_major` lets a plugin that supports
 * several majors choose; `host` is valid for the life of the process. */
typedef const syndicd_plugin* (*syndicd_plugin_entry_fn)(uint32_t host_abi_major,
                                                         const syndicd_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* SYNDICD_ABI_H */
