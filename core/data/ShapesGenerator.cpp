#include "core/data/ShapesGenerator.h"

#include "core/coco/Rle.h"
#include "core/io/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace rlfseg::data {
namespace {

constexpr double kPi = 3.14159265358979323846;

// ============================================================================================
// Vocabulary
// ============================================================================================

const std::vector<std::string> kShapes = {"circle", "square",  "rectangle", "triangle", "star",
                                          "hexagon", "ellipse", "cross",     "heart",    "diamond"};
const std::vector<std::string> kColors = {"red",   "green", "blue", "yellow", "orange", "purple",
                                          "pink",  "white", "black", "gray",  "brown",  "cyan"};
// Anchors (R, G, B): pairwise far apart so that jitter (+-10 per channel) and lighting (+-10 %)
// never move one named colour next to another.
const std::vector<cv::Vec3b> kColorRgb = {{220, 30, 30},  {40, 170, 50},   {30, 70, 220},   {245, 220, 30},
                                          {250, 140, 20}, {130, 50, 180},  {250, 140, 200}, {250, 250, 250},
                                          {20, 20, 20},   {128, 128, 128}, {130, 80, 35},   {30, 210, 230}};
const std::vector<std::string> kSizes = {"small", "medium", "large"};
const std::vector<std::string> kPositions = {"left", "right", "top", "bottom", "center"};
const std::vector<std::string> kSuperlatives = {"leftmost", "rightmost", "topmost", "bottommost"};
const std::vector<std::string> kRelations = {"above", "below", "left of", "right of", "next to"};
const std::vector<std::string> kNumbers = {"", "", "two", "three", "four", "five", "six"};
const std::vector<std::string> kTextures = {"plain", "stripes", "dots", "checker", "grid", "rings", "waves", "speckle"};
enum Texture { kPlain, kStripes, kDots, kChecker, kGrid, kRings, kWaves, kSpeckle };

int indexOf(const std::vector<std::string>& list, const std::string& word) {
    const auto it = std::find(list.begin(), list.end(), word);
    return it == list.end() ? -1 : int(it - list.begin());
}
bool contains(const std::vector<std::string>& list, const std::string& word) { return indexOf(list, word) >= 0; }

std::string positionPhrase(const std::string& position) {
    if (position == "left" || position == "right") return "on the " + position;
    if (position == "top" || position == "bottom") return "at the " + position;
    return "in the center";
}

// ============================================================================================
// Random numbers: mt19937_64 with our own mappings (identical on every standard library)
// ============================================================================================

uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

enum Stream : uint64_t { kSceneStream = 1, kNoiseStream = 2, kStyleStream = 3 };

uint64_t streamSeed(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b = 0) {
    return splitmix64(splitmix64(splitmix64(seed ^ splitmix64(stream)) + a) + b);
}

class Rng {
public:
    explicit Rng(uint64_t seed) : mEngine(seed) {}
    uint64_t next() { return mEngine(); }
    // Exactly uniform on [lo, hi] (rejection of the top partial bucket).
    int uniformInt(int lo, int hi) {
        const uint64_t range = uint64_t(int64_t(hi) - int64_t(lo)) + 1;
        const uint64_t bucket = std::numeric_limits<uint64_t>::max() / range;
        uint64_t v;
        do v = next() / bucket;
        while (v >= range);
        return int(int64_t(lo) + int64_t(v));
    }
    int index(size_t n) { return uniformInt(0, int(n) - 1); }
    double uniform01() { return double(next() >> 11) * (1.0 / 9007199254740992.0); } // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
    bool chance(double p) { return uniform01() < p; }
    int weighted(const std::vector<double>& weights) {
        double total = 0;
        for (double w : weights) total += w;
        double x = uniform01() * total;
        for (size_t i = 0; i < weights.size(); ++i) {
            if (weights[i] <= 0) continue;
            if (x < weights[i]) return int(i);
            x -= weights[i];
        }
        for (size_t i = weights.size(); i-- > 0;)
            if (weights[i] > 0) return int(i);
        return 0;
    }

private:
    std::mt19937_64 mEngine;
};

// ============================================================================================
// Three-valued predicates (the semantics documented in the header)
// ============================================================================================

Truth tAnd(Truth a, Truth b) { return std::min(a, b); }
Truth tOr(Truth a, Truth b) { return std::max(a, b); }
Truth tNot(Truth a) { return a == Truth::True ? Truth::False : a == Truth::False ? Truth::True : Truth::Unclear; }
// True when x >= trueFrom, False when x <= falseTo (falseTo < trueFrom), Unclear between.
Truth atLeast(double x, double trueFrom, double falseTo) {
    if (x >= trueFrom) return Truth::True;
    if (x <= falseTo) return Truth::False;
    return Truth::Unclear;
}
Truth atMost(double x, double trueTo, double falseFrom) { return atLeast(-x, -trueTo, -falseFrom); }

constexpr double kLargerTrue = 1.20, kLargerFalse = 1.08;
constexpr double kSideTrue = 0.40, kSideFalse = 0.48;
constexpr double kCenterTrue = 0.12, kCenterFalse = 0.18;
constexpr double kExtremeTrue = 0.06, kExtremeFalse = 0.02;
constexpr double kAlongTrue = 0.06, kAlongFalse = 0.02, kAcrossFalse = 1.75;
constexpr double kGapTrue = 0.03, kGapFalse = 0.08;

Truth larger(const SceneObject& a, const SceneObject& b) {
    if (b.scale <= 0) return a.scale > 0 ? Truth::True : Truth::False;
    return atLeast(a.scale / b.scale, kLargerTrue, kLargerFalse);
}

bool crisp(const SceneObject& o, const NounPhrase& np) {
    return (np.color.empty() || o.color == np.color) && (np.shape.empty() || o.shape == np.shape);
}
bool isBare(const NounPhrase& np) { return np.color.empty() && np.shape.empty(); }

double sceneScale(const Scene& scene) { return double(std::min(scene.width, scene.height)); }

// before(a, b): a is clearly smaller along the axis than b.
Truth before(double a, double b, double extent) { return atLeast(b - a, kExtremeTrue * extent, kExtremeFalse * extent); }

Truth superlativeTruth(const Scene& scene, int o, const std::vector<int>& candidates, const std::string& word) {
    const auto& a = scene.objects[size_t(o)];
    Truth t = Truth::True;
    for (int p : candidates) {
        if (p == o) continue;
        const auto& b = scene.objects[size_t(p)];
        if (word == "leftmost") t = tAnd(t, before(a.cx, b.cx, scene.width));
        else if (word == "rightmost") t = tAnd(t, before(-a.cx, -b.cx, scene.width));
        else if (word == "topmost") t = tAnd(t, before(a.cy, b.cy, scene.height));
        else t = tAnd(t, before(-a.cy, -b.cy, scene.height));
    }
    return t;
}

Truth relationTruth(const Scene& scene, const SceneObject& o, const SceneObject& l, const std::string& relation) {
    const double s = sceneScale(scene);
    if (relation == "next to") {
        const double gap = std::max({0.0, l.box.x - (o.box.x + o.box.width), o.box.x - (l.box.x + l.box.width),
                                     l.box.y - (o.box.y + o.box.height), o.box.y - (l.box.y + l.box.height)});
        return atMost(gap, kGapTrue * s, kGapFalse * s);
    }
    const double dx = o.cx - l.cx, dy = o.cy - l.cy;
    double along = 0, across = 0;
    if (relation == "above") along = -dy, across = std::abs(dx);
    else if (relation == "below") along = dy, across = std::abs(dx);
    else if (relation == "left of") along = -dx, across = std::abs(dy);
    else along = dx, across = std::abs(dy);
    if (along <= kAlongFalse * s || across >= kAcrossFalse * along) return Truth::False;
    if (along >= kAlongTrue * s && across <= along) return Truth::True;
    return Truth::Unclear;
}

std::string describeIndex(int i) { return "object " + std::to_string(i); }

} // namespace

// ============================================================================================
// Public vocabulary
// ============================================================================================

const std::vector<std::string>& shapeNames() { return kShapes; }
const std::vector<std::string>& colorNames() { return kColors; }
const std::vector<std::string>& sizeWords() { return kSizes; }
const std::vector<std::string>& positionWords() { return kPositions; }
const std::vector<std::string>& superlativeWords() { return kSuperlatives; }
const std::vector<std::string>& relationPhrases() { return kRelations; }

const std::vector<std::string>& templateGlueWords() {
    static const std::vector<std::string> glue = [] {
        std::vector<std::string> g = {"the", "on", "at", "in", "all", "every", "shape", "shapes", "object", "objects"};
        for (size_t i = 2; i < kNumbers.size(); ++i) g.push_back(kNumbers[i]);
        for (const auto& s : kShapes) g.push_back(pluralOf(s));
        return g;
    }();
    return glue;
}

int categoryId(const std::string& shape) {
    const int i = indexOf(kShapes, shape);
    if (i < 0) throw Error("shapes data set: '" + shape + "' is not one of the 10 shapes");
    return i + 1;
}

std::string pluralOf(const std::string& noun) {
    if (noun == "cross") return "crosses";
    if (noun == "ellipse") return "ellipses";
    return noun + "s";
}

cv::Vec3b namedColorRgb(const std::string& color) {
    const int i = indexOf(kColors, color);
    if (i < 0) throw Error("shapes data set: '" + color + "' is not one of the 12 colours");
    return kColorRgb[size_t(i)];
}

const char* kindName(ExpressionKind kind) {
    switch (kind) {
    case ExpressionKind::Attribute: return "attribute";
    case ExpressionKind::Size: return "size";
    case ExpressionKind::Position: return "position";
    case ExpressionKind::Superlative: return "superlative";
    case ExpressionKind::Relation: return "relation";
    case ExpressionKind::All: return "all";
    case ExpressionKind::Count: return "count";
    }
    return "?";
}

// ============================================================================================
// Sentences
// ============================================================================================

namespace {

std::string npSingular(const NounPhrase& np) {
    const std::string noun = np.shape.empty() ? np.noun : np.shape;
    return np.color.empty() ? noun : np.color + " " + noun;
}
std::string npPlural(const NounPhrase& np) {
    const std::string noun = pluralOf(np.shape.empty() ? np.noun : np.shape);
    return np.color.empty() ? noun : np.color + " " + noun;
}

std::vector<std::string> splitWords(const std::string& s) {
    std::vector<std::string> words;
    size_t start = 0;
    for (;;) {
        const size_t end = s.find(' ', start);
        words.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return words;
}

// [colour] noun at words[i]; advances i. Plural nouns when `plural`.
bool parseNounPhrase(const std::vector<std::string>& w, size_t& i, bool plural, NounPhrase& np) {
    np = NounPhrase{};
    if (i < w.size() && contains(kColors, w[i])) np.color = w[i++];
    if (i >= w.size()) return false;
    const std::string& noun = w[i];
    for (const auto& s : kShapes)
        if (noun == (plural ? pluralOf(s) : s)) {
            np.shape = s;
            ++i;
            return true;
        }
    for (const char* generic : {"shape", "object"})
        if (noun == (plural ? pluralOf(generic) : std::string(generic))) {
            np.noun = generic;
            ++i;
            return true;
        }
    return false;
}

} // namespace

std::string toSentence(const Expression& e) {
    switch (e.kind) {
    case ExpressionKind::Attribute: return "the " + npSingular(e.target);
    case ExpressionKind::Size: return "the " + e.modifier + " " + npSingular(e.target);
    case ExpressionKind::Position: return "the " + npSingular(e.target) + " " + positionPhrase(e.modifier);
    case ExpressionKind::Superlative: return "the " + e.modifier + " " + npSingular(e.target);
    case ExpressionKind::Relation:
        return "the " + npSingular(e.target) + " " + e.modifier + " the " + npSingular(e.landmark);
    case ExpressionKind::All:
        return e.modifier == "every" ? "every " + npSingular(e.target) : "all " + npPlural(e.target);
    case ExpressionKind::Count: {
        const std::string number = e.count >= 2 && e.count < int(kNumbers.size()) ? kNumbers[size_t(e.count)]
                                                                                   : std::to_string(e.count);
        return "the " + number + " " + npPlural(e.target);
    }
    }
    return {};
}

std::optional<Expression> parseExpression(const std::string& sentence) {
    const auto w = splitWords(sentence);
    for (const auto& word : w)
        if (word.empty()) return std::nullopt;
    Expression e;
    size_t i = 0;
    auto atEnd = [&] { return i == w.size(); };
    if (w[0] == "all" || w[0] == "every") {
        e.kind = ExpressionKind::All;
        e.modifier = w[0];
        i = 1;
        if (!parseNounPhrase(w, i, w[0] == "all", e.target) || !atEnd()) return std::nullopt;
        return e;
    }
    if (w[0] != "the" || w.size() < 2) return std::nullopt;
    i = 1;
    const int number = indexOf(kNumbers, w[1]);
    if (number >= 2) {
        e.kind = ExpressionKind::Count;
        e.count = number;
        i = 2;
        if (!parseNounPhrase(w, i, true, e.target) || !atEnd()) return std::nullopt;
        return e;
    }
    bool modified = false;
    if (contains(kSuperlatives, w[1]) || contains(kSizes, w[1])) {
        e.kind = contains(kSizes, w[1]) ? ExpressionKind::Size : ExpressionKind::Superlative;
        e.modifier = w[1];
        modified = true;
        i = 2;
    }
    if (!parseNounPhrase(w, i, false, e.target)) return std::nullopt;
    if (atEnd()) return e; // Attribute unless a size or superlative came first
    if (modified) return std::nullopt;
    // Position phrase: exactly three words.
    if (w.size() - i == 3) {
        for (const auto& p : kPositions)
            if (w[i] + " " + w[i + 1] + " " + w[i + 2] == positionPhrase(p)) {
                e.kind = ExpressionKind::Position;
                e.modifier = p;
                return e;
            }
    }
    for (const auto& r : kRelations) {
        const auto rw = splitWords(r);
        if (w.size() - i < rw.size() + 1) continue;
        if (!std::equal(rw.begin(), rw.end(), w.begin() + long(i))) continue;
        size_t j = i + rw.size();
        if (w[j] != "the") continue;
        ++j;
        NounPhrase landmark;
        if (!parseNounPhrase(w, j, false, landmark) || j != w.size()) continue;
        e.kind = ExpressionKind::Relation;
        e.modifier = r;
        e.landmark = landmark;
        return e;
    }
    return std::nullopt;
}

// ============================================================================================
// The checker
// ============================================================================================

Truth sizeTruth(const Scene& scene, int index, const std::string& sizeWord) {
    const auto& o = scene.objects.at(size_t(index));
    Truth someSmaller = Truth::False, someLarger = Truth::False;
    for (size_t p = 0; p < scene.objects.size(); ++p) {
        if (int(p) == index) continue;
        someSmaller = tOr(someSmaller, larger(o, scene.objects[p]));
        someLarger = tOr(someLarger, larger(scene.objects[p], o));
    }
    if (sizeWord == "large") return tAnd(someSmaller, tNot(someLarger));
    if (sizeWord == "small") return tAnd(someLarger, tNot(someSmaller));
    if (sizeWord == "medium") return tAnd(someSmaller, someLarger);
    throw Error("shapes data set: '" + sizeWord + "' is not a size word");
}

Truth positionTruth(const Scene& scene, int index, const std::string& position) {
    const auto& o = scene.objects.at(size_t(index));
    const double u = o.cx / scene.width, v = o.cy / scene.height;
    if (position == "left") return atMost(u, kSideTrue, kSideFalse);
    if (position == "right") return atLeast(u, 1 - kSideTrue, 1 - kSideFalse);
    if (position == "top") return atMost(v, kSideTrue, kSideFalse);
    if (position == "bottom") return atLeast(v, 1 - kSideTrue, 1 - kSideFalse);
    if (position == "center")
        return tAnd(atMost(std::abs(u - 0.5), kCenterTrue, kCenterFalse),
                    atMost(std::abs(v - 0.5), kCenterTrue, kCenterFalse));
    throw Error("shapes data set: '" + position + "' is not a position word");
}

ExpressionCheck checkExpression(const Scene& scene, const Expression& e) {
    ExpressionCheck result;
    auto refuse = [&](const std::string& why) {
        result.valid = false;
        result.reason = why;
        return result;
    };
    auto knownPhrase = [](const NounPhrase& np) {
        return (np.color.empty() || contains(kColors, np.color)) && (np.shape.empty() || contains(kShapes, np.shape)) &&
               (!np.shape.empty() || np.noun == "shape" || np.noun == "object");
    };
    if (!knownPhrase(e.target)) return refuse("unknown word in the noun phrase");
    const size_t n = scene.objects.size();
    std::vector<Truth> truth(n, Truth::False);
    std::vector<int> named;
    for (size_t i = 0; i < n; ++i)
        if (crisp(scene.objects[i], e.target)) named.push_back(int(i));
    bool singular = true;

    switch (e.kind) {
    case ExpressionKind::Attribute:
        if (isBare(e.target)) return refuse("too vague: a bare noun needs a colour, a shape or a modifier");
        for (int i : named) truth[size_t(i)] = Truth::True;
        break;
    case ExpressionKind::Size:
        if (!contains(kSizes, e.modifier)) return refuse("unknown size word '" + e.modifier + "'");
        for (int i : named) truth[size_t(i)] = sizeTruth(scene, i, e.modifier);
        break;
    case ExpressionKind::Position:
        if (!contains(kPositions, e.modifier)) return refuse("unknown position word '" + e.modifier + "'");
        for (int i : named) truth[size_t(i)] = positionTruth(scene, i, e.modifier);
        break;
    case ExpressionKind::Superlative:
        if (!contains(kSuperlatives, e.modifier)) return refuse("unknown superlative '" + e.modifier + "'");
        if (named.size() < 2) return refuse("a superlative needs at least two candidates");
        for (int i : named) truth[size_t(i)] = superlativeTruth(scene, i, named, e.modifier);
        break;
    case ExpressionKind::Relation: {
        if (!contains(kRelations, e.modifier)) return refuse("unknown relation '" + e.modifier + "'");
        if (!knownPhrase(e.landmark)) return refuse("unknown word in the landmark");
        if (isBare(e.landmark)) return refuse("too vague: the landmark needs a colour or a shape");
        int landmark = -1, landmarks = 0;
        for (size_t i = 0; i < n; ++i)
            if (crisp(scene.objects[i], e.landmark)) landmark = int(i), ++landmarks;
        if (landmarks != 1) return refuse("the landmark names " + std::to_string(landmarks) + " objects, not one");
        for (int i : named)
            if (i != landmark)
                truth[size_t(i)] =
                    relationTruth(scene, scene.objects[size_t(i)], scene.objects[size_t(landmark)], e.modifier);
        break;
    }
    case ExpressionKind::All:
        if (e.modifier != "all" && e.modifier != "every") return refuse("a plural starts with 'all' or 'every'");
        if (isBare(e.target)) return refuse("too vague: 'all shapes' names the whole image");
        for (int i : named) truth[size_t(i)] = Truth::True;
        singular = false;
        break;
    case ExpressionKind::Count:
        if (e.count < 2 || e.count >= int(kNumbers.size())) return refuse("counts are two..six");
        if (isBare(e.target)) return refuse("too vague: a count needs a colour or a shape");
        for (int i : named) truth[size_t(i)] = Truth::True;
        singular = false;
        break;
    }

    for (size_t i = 0; i < n; ++i) {
        if (truth[i] == Truth::Unclear) return refuse(describeIndex(int(i)) + " is a borderline case");
        if (truth[i] == Truth::True) result.referents.push_back(int(i));
    }
    const size_t k = result.referents.size();
    if (singular && k != 1) return refuse("'the ...' names " + std::to_string(k) + " objects, not one");
    if (e.kind == ExpressionKind::All && k < 2) return refuse("a plural names " + std::to_string(k) + " objects");
    if (e.kind == ExpressionKind::Count && int(k) != e.count)
        return refuse("the count says " + std::to_string(e.count) + " but " + std::to_string(k) + " are named");
    result.valid = true;
    return result;
}

bool picksOutExactly(const Scene& scene, const Expression& expression, std::vector<int> intended) {
    const auto check = checkExpression(scene, expression);
    std::sort(intended.begin(), intended.end());
    return check.valid && check.referents == intended;
}

// ============================================================================================
// Options
// ============================================================================================

void validateShapesOptions(const ShapesOptions& o) {
    auto fail = [](const std::string& what) { throw Error("generate-shapes: " + what); };
    if (o.images < 0) fail("images must be >= 0");
    if (o.styleImages < 0) fail("style images must be >= 0");
    if (!(o.variedTrainFraction >= 0 && o.variedTrainFraction <= 1))
        fail("the varied share of train images must be in 0..1 (got " + std::to_string(o.variedTrainFraction) + ")");
    if (!(o.variedDarkFraction >= 0 && o.variedDarkFraction <= 1))
        fail("the dark share of varied images must be in 0..1 (got " + std::to_string(o.variedDarkFraction) + ")");
    // Without varied images a dark share would change nothing, which would pass for a dark data set.
    if (o.variedDarkFraction > 0 && o.variedTrainFraction == 0)
        fail("a dark share of varied images needs varied images (set the varied share of train images too)");
    if (o.width < 32 || o.width > 4096 || o.height < 32 || o.height > 4096)
        fail("width and height must be in 32..4096 (got " + std::to_string(o.width) + " x " + std::to_string(o.height) + ")");
    if (o.minObjects < 1 || o.maxObjects > 12 || o.minObjects > o.maxObjects)
        fail("objects per image must satisfy 1 <= min <= max <= 12");
    for (double f : {o.valFraction, o.testFraction, o.unseenFraction})
        if (!(f >= 0 && f <= 1)) fail("split fractions must be in 0..1");
    if (o.valFraction + o.testFraction + (o.unseenPairs.empty() ? 0 : o.unseenFraction) > 1)
        fail("val + test + unseen fractions exceed 1");
    std::set<std::pair<std::string, std::string>> pairs;
    for (const auto& [color, shape] : o.unseenPairs) {
        if (!contains(kColors, color)) fail("unseen pair colour '" + color + "' is not one of the 12 colours");
        if (!contains(kShapes, shape)) fail("unseen pair shape '" + shape + "' is not one of the 10 shapes");
        pairs.insert({color, shape});
    }
    if (pairs.size() >= kColors.size() * kShapes.size()) fail("every colour-shape pair is unseen");
    if (o.expressionsPerImage < 1 || o.expressionsPerImage > 50) fail("expressions per image must be in 1..50");
    if (o.noise.vertexJitterPx < 0 || o.noise.simplifyEpsilonPx < 0 || o.noise.shiftPx < 0 ||
        std::abs(o.noise.dilateErodePx) > 64)
        fail("noise amounts must be >= 0 (dilate/erode: -64..64)");
}

// ============================================================================================
// Rendering
// ============================================================================================

namespace {

constexpr int kShift = 4; // polygon vertices in 1/16 pixel
constexpr double kFixed = 16.0;

// Main: train, val and test. Second: test_style only. Varied: a share of the train images
// (ShapesOptions::variedTrainFraction), with background and texture families of its own, none
// of the second style's: variety to learn from without showing the held-out style.
enum class Style { Main, Second, Varied };

const char* styleName(Style style) {
    return style == Style::Main ? "main" : style == Style::Second ? "second" : "varied";
}

const std::vector<std::string> kSplits = {"train", "val", "test", "test_unseen", "test_style"};

struct ObjectSpec {
    int shape = 0, color = 0;
    double cx = 0, cy = 0, scale = 0, angle = 0, aspect = 1;
    bool outlined = false;
    int thickness = 0;
    int texture = kPlain;
    double textureCos = 1, textureSin = 0, texturePeriod = 8; // pattern direction and period
    cv::Vec3d body, shade; // RGB after jitter; texture colour
    std::vector<cv::Point> polygon; // vertices in 1/16 pixel
};

double frac(double x) { return x - std::floor(x); }
// 0 -> 1 -> 0 over each unit period: the periodic patterns' wave, exact where sin would not be.
double triangleWave(double x) { return std::abs(2 * frac(x) - 1); }
// sqrt is correctly rounded everywhere; std::hypot is not.
double length(double dx, double dy) { return std::sqrt(dx * dx + dy * dy); }
double clamp01(double x) { return std::min(1.0, std::max(0.0, x)); }
uchar toByte(double v) { return cv::saturate_cast<uchar>(std::lround(std::min(255.0, std::max(0.0, v)))); }

cv::Vec3d hsvToRgb(double h, double s, double v) {
    h = frac(h / 360.0) * 6.0;
    const int sector = std::min(5, int(h));
    const double f = h - sector, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double r, g, b;
    switch (sector) {
    case 0: r = v, g = t, b = p; break;
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    default: r = v, g = p, b = q; break;
    }
    return {r * 255, g * 255, b * 255};
}

cv::Vec3d mutedColor(Rng& rng, double vLo, double vHi, double sHi = 0.25) {
    return hsvToRgb(rng.uniform(0, 360), rng.uniform(0.04, sHi), rng.uniform(vLo, vHi));
}

double colorDistance(const cv::Vec3d& a, const cv::Vec3d& b) { return cv::norm(a - b); }

// Unit outline: circumradius 1 around the origin (the drawing centre), image y downwards.
std::vector<cv::Point2d> unitOutline(int shape, double aspect) {
    std::vector<cv::Point2d> p;
    auto ring = [&](int n, double startDeg, double r0, double r1) {
        for (int i = 0; i < n; ++i) {
            const double a = (startDeg + 360.0 * i / n) * kPi / 180.0;
            const double r = (i % 2 == 0) ? r0 : r1;
            p.emplace_back(r * std::cos(a), r * std::sin(a));
        }
    };
    switch (shape) {
    case 0: ring(72, 0, 1, 1); break;                                   // circle
    case 1: ring(4, 45, 1, 1); break;                                   // square
    case 2: {                                                           // rectangle, aspect = short / long
        const double c = 1 / std::sqrt(1 + aspect * aspect), s = aspect * c;
        p = {{-c, -s}, {c, -s}, {c, s}, {-c, s}};
        break;
    }
    case 3: ring(3, -90, 1, 1); break;                                  // triangle, apex up
    case 4: ring(10, -90, 1, 0.45); break;                              // star
    case 5: ring(6, 0, 1, 1); break;                                    // hexagon
    case 6:                                                             // ellipse
        for (int i = 0; i < 72; ++i) {
            const double a = 2 * kPi * i / 72;
            p.emplace_back(std::cos(a), aspect * std::sin(a));
        }
        break;
    case 7: {                                                           // cross (plus sign)
        const double l = 1 / std::sqrt(1 + 0.34 * 0.34), h = 0.34 * l;
        p = {{h, -l}, {h, -h}, {l, -h}, {l, h}, {h, h}, {h, l}, {-h, l}, {-h, h}, {-l, h}, {-l, -h}, {-h, -h}, {-h, -l}};
        break;
    }
    case 8: {                                                           // heart
        for (int i = 0; i < 64; ++i) {
            const double t = 2 * kPi * i / 64, s = std::sin(t);
            p.emplace_back(16 * s * s * s, -(13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) - std::cos(4 * t)));
        }
        double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
        for (const auto& q : p) x0 = std::min(x0, q.x), x1 = std::max(x1, q.x), y0 = std::min(y0, q.y), y1 = std::max(y1, q.y);
        double r = 0;
        for (auto& q : p) q -= cv::Point2d((x0 + x1) / 2, (y0 + y1) / 2), r = std::max(r, length(q.x, q.y));
        for (auto& q : p) q *= 1 / r;
        break;
    }
    default: p = {{0, -1}, {aspect, 0}, {0, 1}, {-aspect, 0}}; break;  // diamond, aspect = width / height
    }
    return p;
}

std::vector<cv::Point> placePolygon(const ObjectSpec& o) {
    const auto unit = unitOutline(o.shape, o.aspect);
    const double c = std::cos(o.angle), s = std::sin(o.angle);
    std::vector<cv::Point> out;
    out.reserve(unit.size());
    for (const auto& q : unit) {
        const double x = o.cx + o.scale * (c * q.x - s * q.y), y = o.cy + o.scale * (s * q.x + c * q.y);
        out.emplace_back(int(std::lround(x * kFixed)), int(std::lround(y * kFixed)));
    }
    return out;
}

void drawShape(cv::Mat& canvas, const ObjectSpec& o, int value, int lineType) {
    const std::vector<std::vector<cv::Point>> polys = {o.polygon};
    if (o.outlined) cv::polylines(canvas, polys, true, cv::Scalar(value), o.thickness, lineType, kShift);
    else cv::fillPoly(canvas, polys, cv::Scalar(value), lineType, kShift);
}

cv::Rect objectRoi(const ObjectSpec& o, const cv::Size& size) {
    const double r = o.scale + o.thickness + 3;
    const int x0 = int(std::floor(o.cx - r)), y0 = int(std::floor(o.cy - r));
    const int x1 = int(std::ceil(o.cx + r)), y1 = int(std::ceil(o.cy + r));
    return cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1) & cv::Rect(0, 0, size.width, size.height);
}

bool inPattern(const ObjectSpec& o, double x, double y) {
    const double dx = x - o.cx, dy = y - o.cy;
    const double ca = o.textureCos, sa = o.textureSin;
    const double a = (dx * ca + dy * sa) / o.texturePeriod, b = (-dx * sa + dy * ca) / o.texturePeriod;
    switch (o.texture) {
    case kStripes: return frac(a) < 0.35;
    case kDots: {
        const double fa = frac(a) - 0.5, fb = frac(b) - 0.5;
        return fa * fa + fb * fb < 0.22 * 0.22;
    }
    case kChecker: return (int64_t(std::floor(a)) % 2 == 0) && (int64_t(std::floor(b)) % 2 == 0);
    case kGrid: return std::abs(frac(a) - 0.5) > 0.4 || std::abs(frac(b) - 0.5) > 0.4;
    case kRings: return frac(std::sqrt(dx * dx + dy * dy) / o.texturePeriod) < 0.3;
    case kWaves: return frac(a + 0.5 * triangleWave(b / 2.5)) < 0.35; // zig-zag stripes
    case kSpeckle: { // a fixed pseudo-random half-tone, one cell per 3 pixels
        const uint64_t h = streamSeed(uint64_t(int64_t(std::floor(dx / 3))), uint64_t(int64_t(std::floor(dy / 3))), 0x5EC1E);
        return (h & 0xFF) < 70;
    }
    default: return false;
    }
}

// Anti-aliased, textured rendering of one object over `image` (RGB).
void renderObject(cv::Mat& image, const ObjectSpec& o) {
    const cv::Rect roi = objectRoi(o, image.size());
    if (roi.empty()) return;
    cv::Mat alpha = cv::Mat::zeros(image.size(), CV_8UC1);
    drawShape(alpha, o, 255, cv::LINE_AA);
    for (int y = roi.y; y < roi.y + roi.height; ++y) {
        const uchar* a = alpha.ptr<uchar>(y);
        cv::Vec3b* px = image.ptr<cv::Vec3b>(y);
        for (int x = roi.x; x < roi.x + roi.width; ++x) {
            if (a[x] == 0) continue;
            const cv::Vec3d& c = (o.texture != kPlain && inPattern(o, x, y)) ? o.shade : o.body;
            const double w = a[x] / 255.0;
            for (int ch = 0; ch < 3; ++ch) px[x][ch] = toByte(px[x][ch] * (1 - w) + c[ch] * w);
        }
    }
}

// ---- Backgrounds ----

void fillGradient(cv::Mat& img, const cv::Vec3d& c0, const cv::Vec3d& c1, double angle) {
    const double ca = std::cos(angle), sa = std::sin(angle);
    const double half = 0.5 * length(img.cols, img.rows);
    for (int y = 0; y < img.rows; ++y) {
        auto* px = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < img.cols; ++x) {
            const double t = clamp01(0.5 + ((x - img.cols / 2.0) * ca + (y - img.rows / 2.0) * sa) / (2 * half));
            for (int ch = 0; ch < 3; ++ch) px[x][ch] = toByte(c0[ch] * (1 - t) + c1[ch] * t);
        }
    }
}

void addValueNoise(cv::Mat& img, Rng& rng, int cells, double amplitude, int grain) {
    cv::Mat grid(cells, cells, CV_8UC3);
    for (int y = 0; y < cells; ++y)
        for (int x = 0; x < cells; ++x) {
            const int lum = rng.uniformInt(-int(amplitude), int(amplitude));
            for (int ch = 0; ch < 3; ++ch) grid.at<cv::Vec3b>(y, x)[ch] = toByte(128 + lum + rng.uniformInt(-8, 8));
        }
    cv::Mat smooth;
    cv::resize(grid, smooth, img.size(), 0, 0, cv::INTER_LINEAR_EXACT); // bit-exact everywhere
    for (int y = 0; y < img.rows; ++y) {
        auto* px = img.ptr<cv::Vec3b>(y);
        const auto* sm = smooth.ptr<cv::Vec3b>(y);
        for (int x = 0; x < img.cols; ++x) {
            const int g = grain > 0 ? rng.uniformInt(-grain, grain) : 0;
            for (int ch = 0; ch < 3; ++ch) px[x][ch] = toByte(px[x][ch] + (sm[x][ch] - 128) + g);
        }
    }
}

// An irregular closed blob (not one of the named shapes): a radius that wobbles with the angle.
std::vector<cv::Point> blobPolygon(Rng& rng, double cx, double cy, double r) {
    const int n = 18;
    std::vector<double> radius(n);
    for (auto& v : radius) v = r * rng.uniform(0.6, 1.35);
    std::vector<cv::Point> p;
    for (int i = 0; i < n; ++i) {
        const double smoothR = (radius[size_t((i + n - 1) % n)] + 2 * radius[size_t(i)] + radius[size_t((i + 1) % n)]) / 4;
        const double a = 2 * kPi * i / n;
        p.emplace_back(int(std::lround((cx + smoothR * std::cos(a)) * kFixed)), int(std::lround((cy + smoothR * std::sin(a)) * kFixed)));
    }
    return p;
}

void addClutter(cv::Mat& img, Rng& rng, const cv::Vec3d& base) {
    const double s = std::min(img.cols, img.rows);
    const int lines = rng.uniformInt(3, 8), blobs = rng.uniformInt(2, 5);
    for (int i = 0; i < blobs; ++i) {
        const cv::Vec3d c = 0.5 * base + 0.5 * mutedColor(rng, 0.35, 0.95, 0.3);
        const auto poly = blobPolygon(rng, rng.uniform(0, img.cols), rng.uniform(0, img.rows), s * rng.uniform(0.04, 0.10));
        cv::fillPoly(img, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(c[0], c[1], c[2]), cv::LINE_AA, kShift);
    }
    for (int i = 0; i < lines; ++i) {
        const cv::Vec3d c = 0.4 * base + 0.6 * mutedColor(rng, 0.25, 0.95, 0.3);
        const cv::Point a(int(rng.uniform(0, img.cols) * kFixed), int(rng.uniform(0, img.rows) * kFixed));
        const cv::Point b(int(rng.uniform(0, img.cols) * kFixed), int(rng.uniform(0, img.rows) * kFixed));
        cv::line(img, a, b, cv::Scalar(c[0], c[1], c[2]), rng.uniformInt(1, 2), cv::LINE_AA, kShift);
    }
}

// Two-tone periodic backgrounds of the second style; `pattern(x, y)` in 0..1 mixes c0 -> c1.
template <typename Pattern>
void fillTwoTone(cv::Mat& img, const cv::Vec3d& c0, const cv::Vec3d& c1, Pattern pattern) {
    for (int y = 0; y < img.rows; ++y) {
        auto* px = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < img.cols; ++x) {
            const double t = pattern(double(x), double(y));
            for (int ch = 0; ch < 3; ++ch) px[x][ch] = toByte(c0[ch] * (1 - t) + c1[ch] * t);
        }
    }
}

cv::Mat renderBackground(const cv::Size& size, Style style, bool dark, Rng& rng, std::string& kind) {
    cv::Mat img(size, CV_8UC3);
    const double s = std::min(size.width, size.height);
    if (style == Style::Main) {
        const int k = rng.index(4);
        const cv::Vec3d base = mutedColor(rng, 0.55, 0.92);
        if (k == 0) {
            kind = "flat";
            img.setTo(cv::Scalar(base[0], base[1], base[2]));
        } else if (k == 1) {
            kind = "gradient";
            fillGradient(img, base, mutedColor(rng, 0.5, 0.95), rng.uniform(0, 2 * kPi));
        } else if (k == 2) {
            kind = "noise";
            img.setTo(cv::Scalar(base[0], base[1], base[2]));
            addValueNoise(img, rng, rng.uniformInt(4, 9), 30, 6);
        } else {
            kind = "clutter";
            if (rng.chance(0.5)) img.setTo(cv::Scalar(base[0], base[1], base[2]));
            else fillGradient(img, base, mutedColor(rng, 0.5, 0.95), rng.uniform(0, 2 * kPi));
            addClutter(img, rng, base);
        }
        return img;
    }
    if (style == Style::Varied) {
        const int k = rng.index(4);
        const double lo = dark ? 0.08 : 0.42, hi = dark ? 0.40 : 0.95;
        const cv::Vec3d c0 = mutedColor(rng, lo, hi, 0.35);
        const cv::Vec3d c1 = mutedColor(rng, lo, hi, 0.35);
        if (k == 0) {
            kind = "blotches"; // camouflage: coarse value noise cut at its middle, soft edges
            const int cells = rng.uniformInt(3, 7);
            cv::Mat grid(cells, cells, CV_8UC1), smooth;
            for (int y = 0; y < cells; ++y)
                for (int x = 0; x < cells; ++x) grid.at<uchar>(y, x) = uchar(rng.uniformInt(0, 255));
            cv::resize(grid, smooth, size, 0, 0, cv::INTER_LINEAR_EXACT); // bit-exact everywhere
            fillTwoTone(img, c0, c1, [&](double x, double y) {
                return clamp01(0.5 + (smooth.at<uchar>(int(y), int(x)) - 127.5) / 16);
            });
        } else if (k == 1) {
            kind = "waves"; // soft bands that bend: wider and far less regular than the rings
            const double period = s * rng.uniform(0.16, 0.3), bend = s * rng.uniform(0.2, 0.45);
            const double angle = rng.uniform(0, kPi), amp = rng.uniform(0.4, 1.2);
            const double ca = std::cos(angle), sa = std::sin(angle);
            fillTwoTone(img, c0, c1, [&](double x, double y) {
                const double u = x * ca + y * sa, v = -x * sa + y * ca;
                const double t = triangleWave(u / period + amp * triangleWave(v / bend));
                return t * t * (3 - 2 * t); // smoothstep: soft, not two-tone
            });
        } else if (k == 2) {
            kind = "cells"; // a mosaic of flat tiles with straight edges, tones between c0 and c1
            const int n = rng.uniformInt(6, 24);
            std::vector<cv::Point2d> seeds;
            std::vector<cv::Vec3d> tones;
            for (int i = 0; i < n; ++i) {
                const double x = rng.uniform(0, size.width), y = rng.uniform(0, size.height), t = rng.uniform(0, 1);
                seeds.emplace_back(x, y);
                tones.push_back(c0 * (1 - t) + c1 * t);
            }
            for (int y = 0; y < img.rows; ++y) {
                auto* px = img.ptr<cv::Vec3b>(y);
                for (int x = 0; x < img.cols; ++x) {
                    size_t nearest = 0;
                    double best = 1e300;
                    for (size_t i = 0; i < seeds.size(); ++i) {
                        const double d = (x - seeds[i].x) * (x - seeds[i].x) + (y - seeds[i].y) * (y - seeds[i].y);
                        if (d < best) best = d, nearest = i;
                    }
                    for (int ch = 0; ch < 3; ++ch) px[x][ch] = toByte(tones[nearest][ch]);
                }
            }
        } else {
            kind = "spots"; // scattered spots, far smaller than the smallest object, on no lattice
            img.setTo(cv::Scalar(c0[0], c0[1], c0[2]));
            const int n = rng.uniformInt(40, 140);
            for (int i = 0; i < n; ++i) {
                const double x = rng.uniform(0, size.width), y = rng.uniform(0, size.height), r = s * rng.uniform(0.006, 0.02);
                cv::circle(img, cv::Point(int(std::lround(x * kFixed)), int(std::lround(y * kFixed))),
                           int(std::lround(r * kFixed)), cv::Scalar(c1[0], c1[1], c1[2]), cv::FILLED, cv::LINE_AA, kShift);
            }
        }
        return img;
    }
    const int k = rng.index(4);
    const cv::Vec3d c0 = mutedColor(rng, 0.45, 0.9, 0.35);
    cv::Vec3d c1 = c0 * rng.uniform(0.72, 0.85);
    if (k == 0) {
        kind = "checkerboard";
        const double cell = s * rng.uniform(0.04, 0.11), angle = rng.uniform(-0.5, 0.5);
        const double ca = std::cos(angle), sa = std::sin(angle);
        fillTwoTone(img, c0, c1, [&](double x, double y) {
            const int64_t a = int64_t(std::floor((x * ca + y * sa) / cell)), b = int64_t(std::floor((-x * sa + y * ca) / cell));
            return double((a + b) & 1);
        });
    } else if (k == 1) {
        kind = "rings";
        const double cx = rng.uniform(0, size.width), cy = rng.uniform(0, size.height), period = s * rng.uniform(0.05, 0.12);
        fillTwoTone(img, c0, c1, [&](double x, double y) {
            return triangleWave(std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / period);
        });
    } else if (k == 2) {
        kind = "hatching";
        const double period = s * rng.uniform(0.02, 0.05), angle = rng.uniform(0, kPi);
        const double ca = std::cos(angle), sa = std::sin(angle);
        fillTwoTone(img, c0, c1, [&](double x, double y) { return frac((x * ca + y * sa) / period) < 0.5 ? 0.0 : 1.0; });
    } else {
        kind = "dark";
        const cv::Vec3d tone = mutedColor(rng, 0.16, 0.32, 0.4);
        img.setTo(cv::Scalar(tone[0], tone[1], tone[2]));
        addValueNoise(img, rng, rng.uniformInt(6, 12), 14, 10);
    }
    return img;
}

// Multiplicative lighting (gradients and a soft spot, within +-10 %) and a little grain.
void applyLighting(cv::Mat& img, Rng& rng) {
    const double gx = rng.uniform(-0.14, 0.14), gy = rng.uniform(-0.14, 0.14), gr = rng.uniform(-0.1, 0.1);
    const double sx = rng.uniform(0, img.cols), sy = rng.uniform(0, img.rows);
    const double diag2 = double(img.cols) * img.cols + double(img.rows) * img.rows;
    for (int y = 0; y < img.rows; ++y) {
        auto* px = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < img.cols; ++x) {
            const double d2 = ((x - sx) * (x - sx) + (y - sy) * (y - sy)) / diag2;
            const double light = std::min(1.1, std::max(0.9, 1 + gx * (double(x) / img.cols - 0.5) +
                                                                 gy * (double(y) / img.rows - 0.5) + gr * (0.25 - d2)));
            const int grain = rng.uniformInt(-3, 3);
            for (int ch = 0; ch < 3; ++ch) px[x][ch] = toByte(px[x][ch] * light + grain);
        }
    }
}

// ============================================================================================
// Scenes
// ============================================================================================

struct ImagePlan {
    int id = 0;
    std::string split;
    Style style = Style::Main;
    bool dark = false; // varied images only: dark background tones (ShapesOptions::variedDarkFraction)
};

struct GeneratedObject {
    ObjectSpec spec;
    cv::Mat mask; // visible pixels, CV_8UC1 0/1
};

struct GeneratedImage {
    cv::Mat rgb;
    std::string background;
    std::vector<GeneratedObject> objects;
    Scene scene;
    std::vector<std::pair<Expression, std::vector<int>>> expressions;
};

struct UnseenSet {
    std::set<std::pair<int, int>> pairs; // (colour, shape)
    bool has(int color, int shape) const { return pairs.count({color, shape}) > 0; }
};

constexpr double kSizeClassLo[3] = {0.066, 0.097, 0.142}; // scale / min(width, height)
constexpr double kSizeClassHi[3] = {0.071, 0.104, 0.152};

void sampleLook(ObjectSpec& o, Rng& rng, Style style, double s) {
    o.angle = 0;
    o.aspect = 1;
    switch (o.shape) {
    case 1: o.angle = rng.uniform(-18, 18); break;
    case 2: o.aspect = rng.uniform(0.5, 0.62); o.angle = rng.uniform(0, 180); break;
    case 3: case 4: case 5: o.angle = rng.uniform(0, 360); break;
    case 6: o.aspect = rng.uniform(0.5, 0.64); o.angle = rng.uniform(0, 180); break;
    case 7: o.angle = rng.uniform(-25, 25); break;
    case 8: o.angle = rng.uniform(-25, 25); break;
    case 9: o.aspect = rng.uniform(0.55, 0.68); o.angle = rng.uniform(-12, 12); break;
    default: break;
    }
    o.angle *= kPi / 180.0;
    o.outlined = rng.chance(0.25);
    o.thickness = std::max(4, int(std::lround(0.16 * o.scale)));
    if (!o.outlined) o.thickness = 0;
    o.texture = kPlain;
    if (!o.outlined && rng.chance(0.45)) {
        const std::vector<int> families = style == Style::Main     ? std::vector<int>{kStripes, kDots}
                                          : style == Style::Second ? std::vector<int>{kChecker, kGrid, kRings}
                                                                   : std::vector<int>{kStripes, kDots, kWaves, kSpeckle};
        o.texture = families[size_t(rng.index(families.size()))];
    }
    const double textureAngle = rng.uniform(0, kPi);
    o.textureCos = std::cos(textureAngle);
    o.textureSin = std::sin(textureAngle);
    o.texturePeriod = s / 256.0 * rng.uniform(5.5, 9.0);
}

void setColor(ObjectSpec& o, Rng& rng) {
    const cv::Vec3b anchor = kColorRgb[size_t(o.color)];
    for (int ch = 0; ch < 3; ++ch) o.body[ch] = std::min(255, std::max(0, anchor[ch] + rng.uniformInt(-10, 10)));
    const double lum = 0.299 * anchor[0] + 0.587 * anchor[1] + 0.114 * anchor[2];
    o.shade = lum > 110 ? o.body * 0.62 : o.body + (cv::Vec3d(255, 255, 255) - o.body) * 0.38;
}

cv::Vec3d anchorOf(int color) {
    const auto a = kColorRgb[size_t(color)];
    return {double(a[0]), double(a[1]), double(a[2])};
}

// True when at least 95 % of the pixels are `distance` or more from `color`.
bool nearlyAllDiffer(const cv::Mat& rgb, const cv::Vec3d& color, double distance) {
    int64_t close = 0;
    for (int y = 0; y < rgb.rows; ++y) {
        const auto* px = rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            const double d0 = px[x][0] - color[0], d1 = px[x][1] - color[1], d2 = px[x][2] - color[2];
            close += d0 * d0 + d1 * d1 + d2 * d2 < distance * distance;
        }
    }
    return close * 20 <= int64_t(rgb.total());
}

// Places up to `count` objects; returns the specs (polygons set), with visibility filtering done.
std::vector<ObjectSpec> placeObjects(const cv::Mat& background, Rng& rng, Style style, int count, const UnseenSet& unseen,
                                     bool allowUnseen, int forcedColor, int forcedShape) {
    const cv::Size size = background.size();
    const double s = std::min(size.width, size.height);
    std::vector<ObjectSpec> placed;
    for (int k = 0; k < count; ++k) {
        for (int attempt = 0; attempt < 60; ++attempt) {
            ObjectSpec o;
            if (k == 0 && forcedColor >= 0) {
                o.color = forcedColor;
                o.shape = forcedShape;
            } else {
                for (int tries = 0;; ++tries) {
                    o.shape = (!placed.empty() && rng.chance(0.3)) ? placed[size_t(rng.index(placed.size()))].shape
                                                                   : rng.index(kShapes.size());
                    o.color = (!placed.empty() && rng.chance(0.35)) ? placed[size_t(rng.index(placed.size()))].color
                                                                    : rng.index(kColors.size());
                    if (allowUnseen || !unseen.has(o.color, o.shape) || tries > 200) break;
                }
                if (!allowUnseen && unseen.has(o.color, o.shape)) continue;
            }
            const int sizeClass = rng.weighted({0.35, 0.35, 0.30});
            o.scale = s * rng.uniform(kSizeClassLo[sizeClass], kSizeClassHi[sizeClass]);
            sampleLook(o, rng, style, s);
            const double margin = o.scale + o.thickness / 2.0 + 2;
            if (2 * margin >= size.width || 2 * margin >= size.height) continue;
            o.cx = rng.uniform(margin, size.width - margin);
            o.cy = rng.uniform(margin, size.height - margin);
            bool ok = true;
            for (const auto& e : placed) {
                const double d = length(o.cx - e.cx, o.cy - e.cy);
                if (d < 0.5 * (o.scale + e.scale)) ok = false; // partial overlaps only
                // Touching objects of similar colour would merge into one blob.
                if (d < o.scale + e.scale + 4 && colorDistance(anchorOf(o.color), anchorOf(e.color)) < 100) ok = false;
            }
            if (!ok) continue;
            // Contrast with the background under the object; recolour (never the forced pair) if too low.
            const cv::Rect roi = objectRoi(o, size);
            const cv::Scalar m = cv::mean(background(roi));
            const cv::Vec3d bg(m[0], m[1], m[2]);
            // The varied style's two-tone backgrounds can match an object in one tone and not on
            // average: there the colour must stand out from (nearly) every background pixel.
            const auto standsOut = [&](int color) {
                return style == Style::Varied ? nearlyAllDiffer(background(roi), anchorOf(color), 80)
                                              : colorDistance(anchorOf(color), bg) >= 80;
            };
            bool contrast = standsOut(o.color);
            for (int tries = 0; !contrast && !(k == 0 && forcedColor >= 0) && tries < 12; ++tries) {
                const int c = rng.index(kColors.size());
                if (!allowUnseen && unseen.has(c, o.shape)) continue;
                bool near = false;
                for (const auto& e : placed)
                    if (length(o.cx - e.cx, o.cy - e.cy) < o.scale + e.scale + 4 &&
                        colorDistance(anchorOf(c), anchorOf(e.color)) < 100)
                        near = true;
                if (near) continue;
                o.color = c;
                contrast = standsOut(o.color);
            }
            if (!contrast) continue;
            setColor(o, rng);
            o.polygon = placePolygon(o);
            placed.push_back(std::move(o));
            break;
        }
    }
    return placed;
}

// Label map of the visible parts: pixel = 1 + index of the topmost object, 0 = background.
cv::Mat labelMap(const cv::Size& size, const std::vector<ObjectSpec>& objects) {
    cv::Mat labels = cv::Mat::zeros(size, CV_8UC1);
    for (size_t k = 0; k < objects.size(); ++k) drawShape(labels, objects[k], int(k) + 1, cv::LINE_8);
    return labels;
}

// Drops objects until each keeps >= 60 % of its pixels visible and a minimum pixel count.
void dropHiddenObjects(const cv::Size& size, std::vector<ObjectSpec>& objects) {
    const int minPixels = std::max(40, int(0.0008 * size.area()));
    for (;;) {
        const cv::Mat labels = labelMap(size, objects);
        int worst = -1;
        double worstFraction = 1;
        for (size_t k = 0; k < objects.size(); ++k) {
            cv::Mat full = cv::Mat::zeros(size, CV_8UC1);
            drawShape(full, objects[k], 1, cv::LINE_8);
            const int fullCount = cv::countNonZero(full);
            const int visible = cv::countNonZero(labels == int(k) + 1);
            const double fraction = fullCount > 0 ? double(visible) / fullCount : 0;
            if ((fraction < 0.6 || visible < minPixels) && (worst < 0 || fraction < worstFraction)) {
                worst = int(k);
                worstFraction = fraction;
            }
        }
        if (worst < 0) return;
        objects.erase(objects.begin() + worst);
    }
}

// ============================================================================================
// Expressions for a scene
// ============================================================================================

struct Candidate {
    Expression expression;
    std::vector<int> referents;
};

std::vector<Candidate> enumerateExpressions(const Scene& scene, Rng& rng) {
    std::vector<Candidate> out;
    auto tryAdd = [&](const Expression& e) {
        auto check = checkExpression(scene, e);
        if (check.valid) out.push_back({e, std::move(check.referents)});
    };
    auto noun = [&] { return rng.chance(0.5) ? std::string("shape") : std::string("object"); };
    const int n = int(scene.objects.size());
    for (int i = 0; i < n; ++i) {
        const auto& o = scene.objects[size_t(i)];
        const NounPhrase full{o.color, o.shape, "shape"}, shapeOnly{"", o.shape, "shape"};
        const NounPhrase colorOnly{o.color, "", noun()}, bare{"", "", noun()};
        for (const auto& np : {full, shapeOnly, colorOnly}) tryAdd({ExpressionKind::Attribute, np, "", {}, 0});
        for (const auto& np : {full, shapeOnly, colorOnly, bare}) {
            for (const auto& w : kSizes) tryAdd({ExpressionKind::Size, np, w, {}, 0});
            for (const auto& w : kPositions) tryAdd({ExpressionKind::Position, np, w, {}, 0});
            for (const auto& w : kSuperlatives) tryAdd({ExpressionKind::Superlative, np, w, {}, 0});
        }
        for (int l = 0; l < n; ++l) {
            if (l == i) continue;
            const auto& lo = scene.objects[size_t(l)];
            const NounPhrase lFull{lo.color, lo.shape, "shape"}, lShape{"", lo.shape, "shape"}, lColor{lo.color, "", noun()};
            for (const auto& r : kRelations)
                for (const auto& np : {full, shapeOnly, colorOnly, bare})
                    for (const auto& lp : {lFull, lShape, lColor}) tryAdd({ExpressionKind::Relation, np, r, lp, 0});
        }
    }
    // Plurals over every crisp set that the scene's colours and shapes define.
    std::set<std::pair<std::string, std::string>> sets;
    for (const auto& o : scene.objects) {
        sets.insert({o.color, ""});
        sets.insert({"", o.shape});
        sets.insert({o.color, o.shape});
    }
    for (const auto& [color, shape] : sets) {
        const NounPhrase np{color, shape, noun()};
        tryAdd({ExpressionKind::All, np, "all", {}, 0});
        tryAdd({ExpressionKind::All, np, "every", {}, 0});
        int k = 0;
        for (const auto& o : scene.objects) k += crisp(o, np) ? 1 : 0;
        if (k >= 2 && k <= 6) tryAdd({ExpressionKind::Count, np, "", {}, k});
    }
    return out;
}

std::vector<std::pair<Expression, std::vector<int>>> chooseExpressions(std::vector<Candidate> candidates, int wanted,
                                                                       Rng& rng) {
    static const std::vector<double> kKindWeights = {3.0, 1.5, 1.5, 1.5, 2.0, 1.0, 1.0}; // by ExpressionKind
    std::vector<std::vector<Candidate>> byKind(kKindWeights.size());
    for (auto& c : candidates) byKind[size_t(c.expression.kind)].push_back(std::move(c));
    std::vector<std::pair<Expression, std::vector<int>>> chosen;
    std::set<std::vector<int>> usedReferents;
    while (int(chosen.size()) < wanted) {
        std::vector<double> weights(byKind.size());
        bool any = false;
        for (size_t k = 0; k < byKind.size(); ++k) {
            weights[k] = byKind[k].empty() ? 0 : kKindWeights[k];
            any = any || !byKind[k].empty();
        }
        if (!any) break;
        auto& pool = byKind[size_t(rng.weighted(weights))];
        std::vector<size_t> fresh;
        for (size_t i = 0; i < pool.size(); ++i)
            if (!usedReferents.count(pool[i].referents)) fresh.push_back(i);
        const size_t pick = fresh.empty() ? size_t(rng.index(pool.size())) : fresh[size_t(rng.index(fresh.size()))];
        Candidate c = std::move(pool[pick]);
        pool.erase(pool.begin() + long(pick));
        const std::string text = toSentence(c.expression);
        bool duplicate = false;
        for (const auto& e : chosen) duplicate = duplicate || toSentence(e.first) == text;
        if (duplicate) continue;
        usedReferents.insert(c.referents);
        chosen.emplace_back(std::move(c.expression), std::move(c.referents));
    }
    return chosen;
}

GeneratedImage generateImage(const ShapesOptions& opt, const ImagePlan& plan, const UnseenSet& unseen) {
    Rng rng(streamSeed(opt.seed, kSceneStream, uint64_t(plan.id)));
    const cv::Size size(opt.width, opt.height);
    const bool unseenSplit = plan.split == "test_unseen";
    for (int attempt = 0;; ++attempt) {
        GeneratedImage out;
        cv::Mat image = renderBackground(size, plan.style, plan.dark, rng, out.background);
        int forcedColor = -1, forcedShape = -1;
        if (unseenSplit) {
            auto it = unseen.pairs.begin();
            std::advance(it, rng.index(unseen.pairs.size()));
            forcedColor = it->first;
            forcedShape = it->second;
        }
        const int count = rng.uniformInt(opt.minObjects, opt.maxObjects);
        auto specs = placeObjects(image, rng, plan.style, count, unseen, unseenSplit, forcedColor, forcedShape);
        dropHiddenObjects(size, specs);
        bool usable = !specs.empty() && (int(specs.size()) >= opt.minObjects || attempt >= 20);
        if (unseenSplit) {
            bool hasUnseen = false;
            for (const auto& o : specs) hasUnseen = hasUnseen || unseen.has(o.color, o.shape);
            usable = usable && hasUnseen;
        }
        if (!usable) {
            if (attempt > 200) throw Error("generate-shapes: could not build a scene for image " + std::to_string(plan.id));
            continue;
        }
        for (const auto& o : specs) renderObject(image, o);
        applyLighting(image, rng);

        const cv::Mat labels = labelMap(size, specs);
        out.scene.width = size.width;
        out.scene.height = size.height;
        for (size_t k = 0; k < specs.size(); ++k) {
            GeneratedObject g;
            g.spec = specs[k];
            g.mask = (labels == int(k) + 1) / 255; // 0/1
            const cv::Moments m = cv::moments(g.mask, true);
            SceneObject so;
            so.shape = kShapes[size_t(g.spec.shape)];
            so.color = kColors[size_t(g.spec.color)];
            so.scale = g.spec.scale;
            so.cx = m.m10 / m.m00;
            so.cy = m.m01 / m.m00;
            so.box = cv::Rect2d(maskBox(g.mask));
            out.scene.objects.push_back(so);
            out.objects.push_back(std::move(g));
        }
        auto candidates = enumerateExpressions(out.scene, rng);
        if (unseenSplit) {
            // Keep expressions that name an unseen pair (colour and shape) and refer to an object of it.
            std::vector<Candidate> kept;
            for (auto& c : candidates) {
                const auto& t = c.expression.target;
                if (t.color.empty() || t.shape.empty() || !unseen.has(indexOf(kColors, t.color), indexOf(kShapes, t.shape)))
                    continue;
                kept.push_back(std::move(c));
            }
            candidates = std::move(kept);
        }
        out.expressions = chooseExpressions(std::move(candidates), opt.expressionsPerImage, rng);
        if (out.expressions.empty()) {
            if (attempt > 200) throw Error("generate-shapes: no valid expression for image " + std::to_string(plan.id));
            continue;
        }
        out.rgb = image;
        return out;
    }
}

// ============================================================================================
// Annotation noise (train only)
// ============================================================================================

cv::Mat noisyMask(const cv::Mat& clean, const AnnotationNoise& noise, Rng& rng) {
    cv::Mat mask = clean.clone();
    if (noise.vertexJitterPx > 0 || noise.simplifyEpsilonPx > 0 || noise.shiftPx > 0) {
        std::vector<std::vector<cv::Point>> contours;
        std::vector<cv::Vec4i> hierarchy;
        cv::findContours(clean.clone(), contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_NONE);
        double dx = 0, dy = 0;
        if (noise.shiftPx > 0) {
            const double a = rng.uniform(0, 2 * kPi);
            dx = noise.shiftPx * std::cos(a);
            dy = noise.shiftPx * std::sin(a);
        }
        std::vector<std::vector<cv::Point>> polys;
        for (const auto& c : contours) {
            std::vector<cv::Point> simple = c;
            if (noise.simplifyEpsilonPx > 0) cv::approxPolyDP(c, simple, noise.simplifyEpsilonPx, true);
            std::vector<cv::Point> poly;
            for (const auto& p : simple) {
                double x = p.x + dx, y = p.y + dy;
                if (noise.vertexJitterPx > 0) {
                    x += rng.uniform(-noise.vertexJitterPx, noise.vertexJitterPx);
                    y += rng.uniform(-noise.vertexJitterPx, noise.vertexJitterPx);
                }
                poly.emplace_back(int(std::lround(x * kFixed)), int(std::lround(y * kFixed)));
            }
            polys.push_back(std::move(poly));
        }
        mask = cv::Mat::zeros(clean.size(), CV_8UC1);
        cv::fillPoly(mask, polys, cv::Scalar(1), cv::LINE_8, kShift); // outer and hole contours together
    }
    if (noise.dilateErodePx != 0) {
        const int r = std::abs(noise.dilateErodePx);
        const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * r + 1, 2 * r + 1));
        if (noise.dilateErodePx > 0) cv::dilate(mask, mask, kernel);
        else cv::erode(mask, mask, kernel);
    }
    if (cv::countNonZero(mask) == 0) return clean.clone(); // never an empty label
    return mask;
}

// ============================================================================================
// Output
// ============================================================================================

// A JSON array with one element per line (readable, diff-friendly, still plain JSON).
void writeArrayLines(std::ostream& os, const std::vector<nlohmann::json>& items) {
    os << "[";
    for (size_t i = 0; i < items.size(); ++i) os << (i ? ",\n" : "\n") << items[i].dump();
    os << (items.empty() ? "]" : "\n]");
}

nlohmann::json optionsJson(const ShapesOptions& o) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& [c, s] : o.unseenPairs) pairs.push_back({c, s});
    nlohmann::json options = {
        {"images", o.images},
        {"seed", o.seed},
        {"width", o.width},
        {"height", o.height},
        {"min_objects", o.minObjects},
        {"max_objects", o.maxObjects},
        {"val_fraction", o.valFraction},
        {"test_fraction", o.testFraction},
        {"unseen_pairs", pairs},
        {"unseen_fraction", o.unseenFraction},
        {"style_images", o.styleImages},
        {"varied_train_fraction", o.variedTrainFraction},
        {"expressions_per_image", o.expressionsPerImage},
        {"noise",
         {{"vertex_jitter_px", o.noise.vertexJitterPx},
          {"dilate_erode_px", o.noise.dilateErodePx},
          {"simplify_epsilon_px", o.noise.simplifyEpsilonPx},
          {"shift_px", o.noise.shiftPx}}}};
    // Written only when used: a data set made without it stays byte-identical to earlier versions'.
    if (o.variedDarkFraction > 0) options["varied_dark_fraction"] = o.variedDarkFraction;
    return options;
}

std::string imageFileName(int id) {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.png", id);
    return name;
}

// One image's share of the data set, made independently of the others (on a worker thread): the
// PNG is written, the annotations lack only their ids, which the image order decides.
struct RenderedImage {
    std::string background;
    struct Object {
        nlohmann::json annotation; // everything but "id" and "image_id"
    };
    std::vector<Object> objects;
    // ((kind, sentence), referents as indices into objects)
    std::vector<std::pair<std::pair<std::string, std::string>, std::vector<int>>> expressions;
};

RenderedImage renderImage(const ShapesOptions& opt, const ImagePlan& plan, const UnseenSet& unseen,
                          const std::filesystem::path& imageDir) {
    const GeneratedImage gen = generateImage(opt, plan, unseen);
    cv::Mat bgr;
    cv::cvtColor(gen.rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> png;
    if (!cv::imencode(".png", bgr, png, {cv::IMWRITE_PNG_COMPRESSION, 1}))
        throw Error("generate-shapes: PNG encoding failed for image " + std::to_string(plan.id));
    writeFileAtomically((imageDir / imageFileName(plan.id)).string(), std::string(png.begin(), png.end()));

    RenderedImage out;
    out.background = gen.background;
    const bool noisy = plan.split == "train" && opt.noise.enabled();
    for (size_t k = 0; k < gen.objects.size(); ++k) {
        const auto& g = gen.objects[k];
        const coco::Rle clean = coco::encode(g.mask);
        coco::Rle label = clean;
        if (noisy) {
            Rng noiseRng(streamSeed(opt.seed, kNoiseStream, uint64_t(plan.id), k));
            label = coco::encode(noisyMask(g.mask, opt.noise, noiseRng));
        }
        const auto box = coco::boundingBox(label);
        nlohmann::json size = nullptr;
        for (const auto& w : kSizes)
            if (sizeTruth(gen.scene, int(k), w) == Truth::True) size = w;
        nlohmann::json ann = {{"category_id", g.spec.shape + 1},
                              {"segmentation", coco::toCocoJson(label)},
                              {"area", coco::area(label)},
                              {"bbox", {box[0], box[1], box[2], box[3]}},
                              {"iscrowd", 0},
                              {"color", kColors[size_t(g.spec.color)]},
                              {"size", size},
                              {"scale", std::round(g.spec.scale * 100) / 100},
                              {"fill", g.spec.outlined ? "outlined" : "filled"},
                              {"texture", kTextures[size_t(g.spec.texture)]}};
        if (noisy) ann["segmentation_clean"] = coco::toCocoJson(clean);
        out.objects.push_back({std::move(ann)});
    }
    for (const auto& [expression, referents] : gen.expressions)
        out.expressions.push_back({{kindName(expression.kind), toSentence(expression)}, referents});
    return out;
}

} // namespace

void generateShapesDataset(const std::string& outDir, const ShapesOptions& opt,
                           const std::function<void(int, int)>& progress, int threads) {
    validateShapesOptions(opt);
    namespace fs = std::filesystem;
    const fs::path root(outDir), imageDir = root / "images";
    std::error_code ec;
    fs::create_directories(imageDir, ec);
    if (ec || !fs::is_directory(imageDir)) throw Error("generate-shapes: cannot create '" + imageDir.string() + "'");

    UnseenSet unseen;
    for (const auto& [c, s] : opt.unseenPairs) unseen.pairs.insert({indexOf(kColors, c), indexOf(kShapes, s)});

    // Split sizes; train takes what is left.
    const int nVal = int(std::lround(opt.images * opt.valFraction));
    const int nTest = int(std::lround(opt.images * opt.testFraction));
    const int nUnseen = unseen.pairs.empty() ? 0 : int(std::lround(opt.images * opt.unseenFraction));
    const int nTrain = opt.images - nVal - nTest - nUnseen;
    if (nTrain < 0) throw Error("generate-shapes: the val, test and unseen splits need more than " + std::to_string(opt.images) + " images");
    std::vector<ImagePlan> plans;
    auto addPlans = [&](int n, const std::string& split, Style style) {
        for (int i = 0; i < n; ++i) plans.push_back({int(plans.size()) + 1, split, style});
    };
    for (int i = 0; i < nTrain; ++i) {
        // Its own stream: which images are varied does not move any other image's draws.
        Rng styleRng(streamSeed(opt.seed, kStyleStream, uint64_t(plans.size() + 1)));
        const bool varied = opt.variedTrainFraction > 0 && styleRng.uniform(0, 1) < opt.variedTrainFraction;
        const bool dark = varied && opt.variedDarkFraction > 0 && styleRng.uniform(0, 1) < opt.variedDarkFraction;
        plans.push_back({int(plans.size()) + 1, "train", varied ? Style::Varied : Style::Main, dark});
    }
    addPlans(nVal, "val", Style::Main);
    addPlans(nTest, "test", Style::Main);
    addPlans(nUnseen, "test_unseen", Style::Main);
    addPlans(opt.styleImages, "test_style", Style::Second);

    std::vector<nlohmann::json> images, annotations, refs;
    std::map<std::string, std::map<std::string, int>> counts;
    for (const auto& split : kSplits) counts[split] = {{"images", 0}, {"annotations", 0}, {"refs", 0}, {"sentences", 0}};
    int nextAnn = 1, nextRef = 1;
    const int total = int(plans.size());
    // Images are drawn, encoded and written by `threads` workers a block at a time; the JSON is
    // assembled in image order afterwards, so the files do not depend on the number of threads.
    const int workers = std::max(1, threads > 0 ? threads : int(std::thread::hardware_concurrency()));
    const size_t block = size_t(workers) * 16;
    std::vector<RenderedImage> rendered;
    for (size_t first = 0; first < plans.size(); first += block) {
        const size_t count = std::min(block, plans.size() - first);
        rendered.assign(count, {});
        std::atomic<size_t> next{0};
        std::vector<std::exception_ptr> failures(static_cast<size_t>(workers));
        auto work = [&](size_t w) {
            try {
                for (size_t i = next++; i < count; i = next++)
                    rendered[i] = renderImage(opt, plans[first + i], unseen, imageDir);
            } catch (...) {
                failures[w] = std::current_exception();
                next = count; // the others stop too
            }
        };
        if (workers == 1) {
            work(0);
        } else {
            std::vector<std::thread> pool;
            for (int w = 0; w < workers; ++w) pool.emplace_back(work, size_t(w));
            for (auto& t : pool) t.join();
        }
        for (const auto& f : failures)
            if (f) std::rethrow_exception(f);

        for (size_t i = 0; i < count; ++i) {
            const ImagePlan& plan = plans[first + i];
            const RenderedImage& r = rendered[i];
            images.push_back({{"id", plan.id},
                              {"file_name", imageFileName(plan.id)},
                              {"width", opt.width},
                              {"height", opt.height},
                              {"split", plan.split},
                              {"style", styleName(plan.style)},
                              {"background", r.background}});
            if (plan.dark) images.back()["tone"] = "dark";
            auto& c = counts[plan.split];
            ++c["images"];
            std::vector<int> annIds;
            for (const auto& object : r.objects) {
                const int annId = nextAnn++;
                annIds.push_back(annId);
                nlohmann::json ann = object.annotation;
                ann["id"] = annId;
                ann["image_id"] = plan.id;
                annotations.push_back(std::move(ann));
                ++c["annotations"];
            }
            for (const auto& [sentence, referents] : r.expressions) {
                nlohmann::json ids = nlohmann::json::array();
                for (int k : referents) ids.push_back(annIds[size_t(k)]);
                const int refId = nextRef++;
                refs.push_back({{"ref_id", refId},
                                {"image_id", plan.id},
                                {"ann_ids", ids},
                                {"split", plan.split},
                                {"kind", sentence.first},
                                {"sentences", {{{"sent_id", refId}, {"sent", sentence.second}}}}});
                ++c["refs"];
                ++c["sentences"];
            }
            if (progress) progress(plan.id, total);
        }
    }

    nlohmann::json categories = nlohmann::json::array();
    for (size_t i = 0; i < kShapes.size(); ++i)
        categories.push_back({{"id", int(i) + 1}, {"name", kShapes[i]}, {"supercategory", "shape"}});
    const nlohmann::json info = {{"description", "RLFSeg synthetic shapes referring data set (SHAPES.md)"},
                                 {"version", 1},
                                 {"seed", opt.seed}};
    writeFileAtomically((root / "instances.json").string(), [&](std::ostream& os) {
        os << "{\"info\": " << info.dump() << ",\n\"categories\": " << categories.dump() << ",\n\"images\": ";
        writeArrayLines(os, images);
        os << ",\n\"annotations\": ";
        writeArrayLines(os, annotations);
        os << "\n}\n";
    });
    writeFileAtomically((root / "refs.json").string(), [&](std::ostream& os) {
        writeArrayLines(os, refs);
        os << "\n";
    });
    nlohmann::json splits = nlohmann::json::object();
    for (const auto& [split, values] : counts) splits[split] = values;
    const nlohmann::json dataset = {
        {"format", "rlfseg-shapes"},
        {"version", 1},
        {"options", optionsJson(opt)},
        {"splits", splits},
        {"vocabulary",
         {{"shapes", kShapes},
          {"colors", kColors},
          {"sizes", kSizes},
          {"positions", kPositions},
          {"superlatives", kSuperlatives},
          {"relations", kRelations}}},
        {"files", {{"images", "images/"}, {"instances", "instances.json"}, {"refs", "refs.json"}}}};
    writeFileAtomically((root / "dataset.json").string(), dataset.dump(2) + "\n");
}

} // namespace rlfseg::data
