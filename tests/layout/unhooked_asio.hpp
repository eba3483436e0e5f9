// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

/// Posts `handlers` handlers to an io_context of its own and runs it, in a translation
/// unit compiled without coroscope's hooks; how many ran.
int run_handlers_without_hooks(int handlers);
