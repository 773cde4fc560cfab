// The system resolver's TXT lookup for the DKIM record check (Sources/App/Mail/DKIM/DKIMDNSCheck.swift). libresolv
// is part of glibc (libc6-dev), so this adds no build-time package; Swift's Glibc module does not export resolv.h.
#include "CResolv.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

int herald_txt_lookup(const char *name, const char *server_ipv4, int server_port, int timeout_seconds,
                      char *out, int out_length) {
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0) return HERALD_TXT_NO_RESOLVER;
    if (server_ipv4 != NULL) {
        struct sockaddr_in address;
        memset(&address, 0, sizeof address);
        address.sin_family = AF_INET;
        address.sin_port = htons((unsigned short)server_port);
        if (inet_pton(AF_INET, server_ipv4, &address.sin_addr) != 1) {
            res_nclose(&state);
            return HERALD_TXT_NO_RESOLVER;
        }
        state.nsaddr_list[0] = address;
        state.nscount = 1;
    }
    if (timeout_seconds > 0) {
        state.retrans = timeout_seconds;
        state.retry = 1;
    }
    // A fully qualified name: never the search list of resolv.conf.
    state.options &= ~(RES_DNSRCH | RES_DEFNAMES);

    unsigned char answer[8192];
    int length = res_nquery(&state, name, ns_c_in, ns_t_txt, answer, sizeof answer);
    if (length < 0) {
        int error = state.res_h_errno;
        res_nclose(&state);
        switch (error) {
        case HOST_NOT_FOUND: return HERALD_TXT_NXDOMAIN;
        case NO_DATA: return HERALD_TXT_NODATA;
        case TRY_AGAIN: return HERALD_TXT_UNREACHABLE;
        default: return HERALD_TXT_REFUSED;
        }
    }
    res_nclose(&state);
    if (length > (int)sizeof answer) length = sizeof answer;

    ns_msg message;
    if (ns_initparse(answer, length, &message) != 0) return HERALD_TXT_REFUSED;
    int written = 0;
    int records = 0;
    for (int index = 0; index < ns_msg_count(message, ns_s_an); index++) {
        ns_rr record;
        if (ns_parserr(&message, ns_s_an, index, &record) != 0) return HERALD_TXT_REFUSED;
        if (ns_rr_type(record) != ns_t_txt) continue;  // a CNAME on the way
        const unsigned char *data = ns_rr_rdata(record);
        int remaining = ns_rr_rdlen(record);
        if (records > 0) {
            if (written + 1 > out_length) return HERALD_TXT_TOO_LONG;
            out[written++] = '\n';
        }
        records++;
        // RFC 1035 3.3.14: one or more <character-string>s, each a length byte and that many bytes.
        while (remaining > 0) {
            int piece = data[0];
            if (piece + 1 > remaining) return HERALD_TXT_REFUSED;
            if (written + piece > out_length) return HERALD_TXT_TOO_LONG;
            memcpy(out + written, data + 1, piece);
            written += piece;
            data += piece + 1;
            remaining -= piece + 1;
        }
    }
    return records == 0 ? HERALD_TXT_NODATA : written;
}
