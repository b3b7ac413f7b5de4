/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Version of the firmware tools (taihu-card, taihu-fwpack), the release
 * they come with; `--version` prints it with the interfaces they speak.
 */
#ifndef TAIHU_FW_TOOLS_VERSION_H
#define TAIHU_FW_TOOLS_VERSION_H

#define TAIHU_TOOLS_VERSION	"0.1.0"

#endif /* TAIHU_FW_TOOLS_VERSION_H */
