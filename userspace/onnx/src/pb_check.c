// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A pre-pass over the protobuf wire format before protobuf-c unpacks it:
 * protobuf-c recurses once per nested message and has no depth limit, and
 * ONNX nests graphs in attributes, so a small hostile file could exhaust the
 * stack. The walk uses the generated descriptors to know which fields are
 * messages; everything else is skipped. Malformed framing is left for
 * protobuf-c to reject, except where the walk could not go on.
 */
#include <protobuf-c/protobuf-c.h>

#include "ox.h"

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	int shift;

	for (shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;

		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -EBADMSG;
}

static int walk(const ProtobufCMessageDescriptor *desc, const uint8_t *p,
		const uint8_t *end, int depth, int max_depth)
{
	if (depth > max_depth)
		return ox_err(-EBADMSG, "messages nested more than %d deep", max_depth);
	while (p < end) {
		const ProtobufCFieldDescriptor *f;
		uint64_t tag, v;
		int err;

		if (read_varint(&p, end, &tag))
			return ox_err(-EBADMSG, "truncated field tag");
		switch (tag & 7) {
		case 0:
			if (read_varint(&p, end, &v))
				return ox_err(-EBADMSG, "truncated varint");
			break;
		case 1:
			if (end - p < 8)
				return ox_err(-EBADMSG, "truncated 64-bit field");
			p += 8;
			break;
		case 5:
			if (end - p < 4)
				return ox_err(-EBADMSG, "truncated 32-bit field");
			p += 4;
			break;
		case 2:
			if (read_varint(&p, end, &v) || v > (uint64_t)(end - p))
				return ox_err(-EBADMSG, "truncated length-delimited field");
			f = tag >> 3 <= UINT32_MAX ?
				protobuf_c_message_descriptor_get_field(desc,
									(unsigned)(tag >> 3)) :
				NULL;
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
				err = walk(f->descriptor, p, p + v, depth + 1, max_depth);
				if (err)
					return err;
			}
			p += v;
			break;
		default:
			return ox_err(-EBADMSG, "unsupported wire type %u", (unsigned)(tag & 7));
		}
	}
	return 0;
}

int ox_pb_check_depth(const void *desc, const uint8_t *data, size_t len, int max_depth)
{
	return walk(desc, data, data + len, 0, max_depth);
}
