// Access tokens of episodes in the HTTP API.
//
// POST /v1/episodes hands out a fresh random token once; the store keeps
// only its SHA-256 (EpisodeRecord::token_hash), so a copy of the database
// does not give access to anyone's episode. Every later request presents the
// token as "Authorization: Bearer <token>".
//
// Thread safety: reentrant (OpenSSL 3's RNG and digests are thread-safe).
#ifndef NOROTRIAGE_SERVER_ACCESS_TOKEN_H_
#define NOROTRIAGE_SERVER_ACCESS_TOKEN_H_

#include <string>
#include <string_view>

#include "norotriage/status.h"

namespace norotriage::server {

// 64 lowercase hex characters: 32 bytes from OpenSSL's CSPRNG.
// Unavailable if the generator fails (it has no entropy).
Result<std::string> NewAccessToken();

// Lowercase hex SHA-256 of `data` (64 characters); "" if OpenSSL fails.
std::string Sha256Hex(std::string_view data);

// What the store keeps of a token: Sha256Hex of its characters.
inline std::string AccessTokenHash(std::string_view token) { return Sha256Hex(token); }

// Whether `token` hashes to `stored_hash`, compared in constant time. False
// for an empty token or hash (episodes made by the CLI have none).
bool AccessTokenMatches(std::string_view token, std::string_view stored_hash);

// Whether `id` looks like an episode id (32 lowercase hex characters).
bool IsEpisodeId(std::string_view id);

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_ACCESS_TOKEN_H_
