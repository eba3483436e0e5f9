// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

/// The whole public API of coroscope: the probe, its snapshots, named spawns,
/// TIMED_AWAIT and trace contexts.
#include "coroscope/probe.hpp"
#include "coroscope/snapshot.hpp"
#include "coroscope/spawn.hpp"
#include "coroscope/this_task.hpp"
#include "coroscope/timed_await.hpp"
#include "coroscope/trace_context.hpp"
