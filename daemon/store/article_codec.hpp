// SPDX-License-Identifier: Apache-2.0
// How an Article is kept in the store: one JSON object with every field.
#pragma once

#include <syndicd/plugin.hpp>

#include <string>

namespace syndicd::store {

std::string encode_article(const Article& article);
/// Throws StoreError on a malformed document.
Article decode_article(const std::string& json);

}  // namespace syndicd::store
