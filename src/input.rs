//! What every reader of input files shares: how much it reads at most, and
//! how a Nix file's bytes become text.

/// Files larger than this are not read: no Dockerfile or flake is near it,
/// and a device such as `/dev/zero` would never end.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Text with each byte that is not UTF-8 read as `?`, so that every offset
/// stays.
pub fn invalid_bytes_as_question_marks(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    text
}
