#ifndef HERALD_CRESOLV_H
#define HERALD_CRESOLV_H

// What herald_txt_lookup returns instead of a length when it found no text (plain ints: Swift reads them as Int32).
#define HERALD_TXT_NXDOMAIN (-1)     // the name does not exist
#define HERALD_TXT_NODATA (-2)       // the name exists but has no TXT record
#define HERALD_TXT_UNREACHABLE (-3)  // no answer: timeout, network down, SERVFAIL (h_errno TRY_AGAIN)
#define HERALD_TXT_REFUSED (-4)      // the server refused or the answer was unusable (NO_RECOVERY)
#define HERALD_TXT_NO_RESOLVER (-5)  // res_ninit failed: no usable /etc/resolv.conf
#define HERALD_TXT_TOO_LONG (-6)     // the records do not fit the output buffer

/// TXT records of `name` through the system resolver (res_nquery: /etc/resolv.conf, its timeouts and search rules
/// off). When `server_ipv4` is not NULL the query goes to that address and port instead (HERALD_DNS_SERVER, tests).
/// Writes each record's character-strings joined, records separated by '\n', and returns the length written, or
/// a negative HERALD_TXT_ status.
int herald_txt_lookup(const char *name, const char *server_ipv4, int server_port, int timeout_seconds,
                      char *out, int out_length);

#endif
