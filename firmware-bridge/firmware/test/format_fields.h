/* Canonical "key=value" rendering of a decoded frame, the same text Java's Frame/Message produce. */
#ifndef SB_FORMAT_FIELDS_H
#define SB_FORMAT_FIELDS_H

#include <stddef.h>

#include "sb_codec.h"

void sb_format_frame(const sb_frame *frame, char *out, size_t cap);

#endif
