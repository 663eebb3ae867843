// Umbrella header: everything an embedder needs.
#ifndef CRITGRAPH_CRITGRAPH_H_
#define CRITGRAPH_CRITGRAPH_H_

#include "critgraph/adjacency.h"
#include "critgraph/backup.h"
#include "critgraph/change.h"
#include "critgraph/db.h"
#include "critgraph/diff.h"
#include "critgraph/find.h"
#include "critgraph/gc.h"
#include "critgraph/history.h"
#include "critgraph/lists.h"
#include "critgraph/options.h"
#include "critgraph/partition.h"
#include "critgraph/snapshot.h"
#include "critgraph/transaction.h"
#include "critgraph/traversal.h"
#include "critgraph/types.h"

#endif  // CRITGRAPH_CRITGRAPH_H_
