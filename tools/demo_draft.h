// The demo's draft walkthrough: a proposal drafted against an older list
// version, its conflict report, and its merge (docs/DRAFTS.md).
#ifndef CRITGRAPH_TOOLS_DEMO_DRAFT_H_
#define CRITGRAPH_TOOLS_DEMO_DRAFT_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "critgraph/db.h"

namespace critgraph::cli {

// Creates draft "quantum-briefing-notes" on us-cet-2022, commits an
// analyst's notes to it (a preferred name for an entry the 2024 list renamed
// officially: a conflict; notes on two entries: clean), prints the dry-run
// report, then merges it preferring head (the official name), committing as
// `author`. The draft is kept for exploring.
absl::Status RunDemoDraft(DB& db, const std::string& author, std::ostream& out);

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_DEMO_DRAFT_H_
