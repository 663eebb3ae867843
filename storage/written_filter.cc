#include "storage/written_filter.h"

namespace critgraph::storage {
namespace {

// Double hashing (Kirsch & Mitzenmacher): probe i is h1 + i * h2.
uint64_t Probe(uint64_t hash, int i, uint64_t bits) {
  const uint64_t h2 = ((hash >> 32) | (hash << 32)) | 1;
  return (hash + static_cast<uint64_t>(i) * h2) % bits;
}

}  // namespace

bool WrittenFilter::Test(const Layer& layer, uint64_t hash) {
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = Probe(hash, i, layer.bits);
    if ((layer.words[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) {
      return false;
    }
  }
  return true;
}

void WrittenFilter::Add(uint64_t hash) {
  if (layers_.empty() ||
      (layers_.back().added * kBitsPerEntry >= layers_.back().bits &&
       layers_.back().bits < kMaxLayerBits)) {
    Layer next;
    next.bits = layers_.empty() ? kFirstLayerBits : layers_.back().bits * 8;
    if (next.bits > kMaxLayerBits) next.bits = kMaxLayerBits;
    next.words.assign(next.bits / 64, 0);
    layers_.push_back(std::move(next));
  }
  Layer& layer = layers_.back();
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = Probe(hash, i, layer.bits);
    layer.words[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  ++layer.added;
}

bool WrittenFilter::MayContain(uint64_t hash) const {
  for (const Layer& layer : layers_) {
    if (Test(layer, hash)) return true;
  }
  return false;
}

size_t WrittenFilter::bytes() const {
  size_t n = 0;
  for (const Layer& layer : layers_) n += layer.words.size() * 8;
  return n;
}

}  // namespace critgraph::storage
