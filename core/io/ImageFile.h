#pragma once
// Loading input images and saving masks with OpenCV (no Qt, no LibTorch).
//
// Supported input formats: PNG, JPEG, BMP, TIFF and WebP. Other formats OpenCV could decode (PNM, HDR,
// JPEG 2000, OpenEXR, ...) are refused on purpose: the pixel limit must be checked from the file's header
// before any decoder runs, and that needs a header parser here. Every failure is an rlfseg::Error whose
// message names the file.

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>

namespace rlfseg {

struct ImageLimits {
    // Checked BEFORE decoding, from the file's header (width * height as stored, before EXIF rotation).
    // OpenCV's own ceiling (environment variable OPENCV_IO_MAX_IMAGE_PIXELS, read once by OpenCV) is set to
    // the default of this limit at program start unless the environment already sets it; a caller that
    // raises maxPixels above that must raise the environment variable too.
    int64_t maxPixels = 200'000'000;
};

struct ImageHeader {
    int width = 0, height = 0; // as stored in the file, before any EXIF orientation is applied
    std::string format;        // "PNG", "JPEG", "BMP", "TIFF" or "WebP"
};

// Reads width and height from the file's header without decoding pixels: PNG (IHDR), JPEG (first SOFn
// marker, skipping APPn and other segments), BMP, TIFF (first IFD) and WebP (VP8, VP8L, VP8X). Throws
// rlfseg::Error naming the file for a missing or unreadable file, an unknown format, a truncated or
// corrupt header.
ImageHeader readImageHeader(const std::string& path);

// Loads an image as 8-bit RGB (CV_8UC3, R first), with the EXIF orientation applied as cv::imread does.
// Grayscale, 16-bit and alpha images are converted (alpha is dropped, 16 bit scaled to 8). The file is read
// into memory once; the header check, a completeness check (PNG: IEND chunk present; JPEG: entropy-coded
// data ends with the EOI marker; BMP: pixel array present; WebP: RIFF size) and the decoding all see the
// same bytes. Errors (missing, unreadable, unknown format, corrupt or truncated data, more pixels than
// limits.maxPixels, with the size and the limit in the message) are rlfseg::Error naming the file.
cv::Mat loadImageRgb(const std::string& path, const ImageLimits& limits = {});

// Loads a mask (the checks of loadImageRgb) as a soft mask, CV_32FC1 in [0, 1]: 8-bit values / 255,
// 16-bit values / 65535 (what `rlfseg segment --soft` writes); colour masks by their luminance.
cv::Mat loadMask(const std::string& path, const ImageLimits& limits = {});

// Writes a mask as PNG: CV_8UC1 as 8-bit grayscale, CV_16UC1 as 16-bit grayscale. Atomic
// (writeFileAtomically). Throws rlfseg::Error naming the file for other types, an empty mask or I/O failure.
void saveMaskPng(const std::string& path, const cv::Mat& mask);

} // namespace rlfseg
