#pragma once
// The synthetic referring-segmentation data set of ../shared/docs/SHAPES.md: seeded, deterministic
// scenes of coloured shapes with referring expressions that the generator proves unambiguous.
// No Qt, no LibTorch.
//
// Output folder (the project's referring format, METHOD.md section 8; every file written atomically):
//   images/NNNNNN.png   RGB, width x height, named by image id.
//   instances.json      COCO: "images" (id, file_name relative to images/, width, height, plus
//                       "split", "style" ("main" / "second" / "varied") and "background" (flat,
//                       gradient, noise, clutter; second: checkerboard, rings, hatching, dark;
//                       varied: blotches, waves, cells, spots)),
//                       "categories" (the 10 shapes, ids 1..10 in SHAPES.md
//                       order, supercategory "shape"), "annotations" (id, image_id, category_id,
//                       "segmentation" as compressed RLE {"size": [h, w], "counts": "..."}, area,
//                       bbox [x, y, w, h], iscrowd 0, plus the attributes "color" (the named colour),
//                       "size" ("small" / "medium" / "large" as the size semantics below give it
//                       for the object in its image, or null where no size word is definitely true),
//                       "scale" (the object's size s below, in pixels, rounded to 0.01),
//                       "fill" ("filled" / "outlined") and "texture" ("plain", "stripes", "dots";
//                       second: "checker", "grid", "rings"; varied: also "waves", "speckle")). Every visible object is annotated,
//                       referred to or not. Masks are the VISIBLE pixels: later objects occlude
//                       earlier ones; an outlined shape's mask is its stroke (the inside shows the
//                       background and is not part of it).
//   refs.json           a list of {"ref_id", "image_id", "ann_ids": [...], "split", "sentences":
//                       [{"sent_id", "sent"}], "kind"}: one ref per expression, one sentence each;
//                       a plural ref lists several ann_ids (the union of their masks); "kind" is the
//                       template family (attribute, size, position, superlative, relation, all, count).
//   dataset.json        the options, the vocabulary and counts per split.
//
// Splits: "train", "val", "test", "test_unseen" (compositional zero-shot: the only split whose
// images contain the colour-shape pairs of ShapesOptions::unseenPairs; each of its expressions
// names such a pair, colour and shape, and refers to an object of it) and "test_style" (the second
// rendering style: other backgrounds and textures). No other split contains an unseen pair at all.
// With ShapesOptions::variedTrainFraction, a share of the train images is drawn in a third,
// "varied" style whose background and texture families are neither main's nor second's; the
// other images are unchanged (their ann and ref ids may shift, as the train images' counts do).
//
// Annotation noise (train only, when ShapesOptions::noise is non-zero): the "segmentation", "area"
// and "bbox" of every train annotation are the NOISY mask; the exact mask is kept under
// "segmentation_clean" (same RLE form). Images, scenes and expressions do not change with the noise
// options (the noise has its own random stream), and val/test annotations are always exact.
//
// Determinism: the output is a function of the options alone. Random numbers come from
// std::mt19937_64 through the generator's own integer and real mappings (the std distributions are
// implementation-defined), one stream per image derived from (seed, image index), so the same seed
// gives byte-identical files with the same OpenCV, zlib and C library builds (a few sin/cos
// calls place polygon vertices and pattern directions; everything per-pixel is exact arithmetic).
//
// Rendering: objects are drawn in order (later ones occlude earlier ones) at one of three size
// classes, scale 0.066-0.071, 0.097-0.104 or 0.142-0.152 of min(width, height): classes differ by
// more than the 1.2 "clearly larger" ratio below and objects of one class never do. Rotated
// (squares +-18 deg, diamonds +-12, crosses and hearts +-25, the others freely); rectangles and
// ellipses with aspect 0.5-0.64, diamonds 0.55-0.68. 25 % are outlined (stroke 0.16 scale, >= 4 px);
// 45 % of the filled ones are textured (stripes or dots; second style: checker, grid or rings;
// varied: stripes, dots, zig-zag waves or speckle), always under 40 % of the area, in a darker or
// lighter shade of the body colour. Centres are at least half
// the sum of the two scales apart; objects of similar colours never touch; an object's colour is at
// least 80 (RGB distance) from the mean background under it (varied style: from 95 % of the
// background pixels under it); an object keeps >= 60 % of its pixels
// visible or is dropped. Colours are the anchors of namedColorRgb +-10 per channel; lighting
// multiplies the image by 0.9..1.1 (two gradients and a soft spot), plus +-3 grain.
//
// ---------------------------------------------------------------------------------------------
// EXPRESSION SEMANTICS (what checkExpression decides; S = min(width, height) in pixels)
//
// Each predicate is three-valued (True, Unclear, False) and combined with Kleene logic. An
// expression is accepted only if NO object evaluates to Unclear, the set of objects it is True for
// is what its form promises (exactly one for "the ..." singulars, exactly N for "the N ...", at
// least two for "all" / "every"), and its presuppositions hold. Borderline scenes are therefore
// rejected instead of producing expressions a person could read two ways.
//
// Object facts used: colour and shape (exact), scale s = radius of the circle around the drawing
// centre that holds the whole unoccluded shape, centroid (cx, cy) and bounding box of the VISIBLE
// mask.
//
// Noun phrase [colour] noun: noun is a shape name, or "shape" / "object" (any shape). Crisp: true
// iff the colour (if given) and the shape (if given) match.
//   "the red circle", "the circle", "the red shape"   (attribute; a bare "the shape" is refused)
//
// Size (relative to ALL other objects in the image, not only to those the noun names):
//   larger(a, b) = True if s_a >= 1.20 s_b, False if s_a <= 1.08 s_b, else Unclear.
//   large(o)  = (some other p: larger(o, p)) and (no other p: larger(p, o))
//   small(o)  = (some other p: larger(p, o)) and (no other p: larger(o, p))
//   medium(o) = (some other p: larger(o, p)) and (some other p: larger(p, o))
//   "the large star", "the small red shape": [size] [colour] noun, exactly one True.
//
// Position (absolute regions of the image; u = cx / width, v = cy / height):
//   left   True u <= 0.40, False u >= 0.48;   right  True u >= 0.60, False u <= 0.52
//   top    True v <= 0.40, False v >= 0.48;   bottom True v >= 0.60, False v <= 0.52
//   center = centred(u) and centred(v), centred(t) True |t - 0.5| <= 0.12, False >= 0.18
//   "the triangle on the left", "... on the right", "... at the top", "... at the bottom",
//   "... in the center"; exactly one True.
//
// Superlatives (within the candidates C = objects the noun phrase names; needs |C| >= 2):
//   leftmost(o) = for every other p in C: before(cx_o, cx_p), with before(a, b) True if
//   b - a >= 0.06 width, False if b - a <= 0.02 width, else Unclear. rightmost, topmost
//   (cy, height), bottommost likewise. "the leftmost square", "the topmost red shape".
//
// Relations "the [colour] noun REL the [colour] noun2": the landmark phrase (second) must name
// exactly one object L (crisp; bare "the shape" is not a landmark); the referent is an object
// other than L that the first phrase names and for which REL(o, L) holds; exactly one True.
//   Direction d = centroid(o) - centroid(L) (image y grows downwards); along = -d.y for "above",
//   d.y for "below", -d.x for "left of", d.x for "right of"; across = the other component's |.|.
//   True if along >= 0.06 S and across <= along (within 45 degrees of the direction);
//   False if along <= 0.02 S or across >= 1.75 along (beyond about 60 degrees); else Unclear.
//   next to: gap = the largest separation between the two visible bounding boxes along x or y
//   (0 when they overlap); True if gap <= 0.03 S, False if gap >= 0.08 S, else Unclear.
//
// Plurals (crisp noun phrases, at least one of colour and shape given):
//   "all red shapes", "all circles", "all red circles", "every blue object", "every circle":
//   all objects the phrase names, at least two.
//   "the two squares", "the three red shapes" (two..six): exactly that many objects named.
// ---------------------------------------------------------------------------------------------

#include <opencv2/core.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rlfseg::data {

// ---- The vocabulary of SHAPES.md, word for word ----
const std::vector<std::string>& shapeNames();        // circle ... diamond; category id = index + 1
const std::vector<std::string>& colorNames();        // red ... cyan
const std::vector<std::string>& sizeWords();         // small, medium, large
const std::vector<std::string>& positionWords();     // left, right, top, bottom, center
const std::vector<std::string>& superlativeWords();  // leftmost, rightmost, topmost, bottommost
const std::vector<std::string>& relationPhrases();   // above, below, left of, right of, next to
// Every other word a template may use: the, on, at, in, all, every, shape(s), object(s),
// two..six and the plural shape nouns.
const std::vector<std::string>& templateGlueWords();

int categoryId(const std::string& shape);                // 1..10; throws rlfseg::Error for other words
std::string pluralOf(const std::string& noun);           // circles, crosses, ..., shapes, objects
cv::Vec3b namedColorRgb(const std::string& color);       // the colour's anchor (R, G, B) before jitter

// ---- Options ----
// Applied per train annotation, in this order: the visible mask's contours (outer and holes) become
// polygons, simplified (Douglas-Peucker) when simplifyEpsilonPx > 0 (otherwise every boundary pixel
// is a vertex); each vertex is jittered and all are shifted; the polygons are filled again; then
// dilation or erosion. A result that would be empty keeps the clean mask.
struct AnnotationNoise {
    double vertexJitterPx = 0;    // each polygon vertex moves by up to this much in x and in y
    int dilateErodePx = 0;        // > 0 dilates, < 0 erodes, by this many pixels (elliptic kernel)
    double simplifyEpsilonPx = 0; // Douglas-Peucker tolerance applied to the mask's contours
    double shiftPx = 0;           // the whole mask moves by exactly this much, in a random direction
    bool enabled() const { return vertexJitterPx > 0 || dilateErodePx != 0 || simplifyEpsilonPx > 0 || shiftPx > 0; }
};

struct ShapesOptions {
    int images = 200;             // images of the main style: train + val + test + test_unseen
    uint64_t seed = 0;
    int width = 256, height = 256;
    int minObjects = 1, maxObjects = 6;
    double valFraction = 0.1, testFraction = 0.1;
    // Colour-shape pairs never shown outside test_unseen; that split has round(images * unseenFraction)
    // images (none when the list is empty).
    std::vector<std::pair<std::string, std::string>> unseenPairs = {
        {"red", "star"},       {"blue", "heart"},  {"green", "triangle"},
        {"yellow", "hexagon"}, {"purple", "square"}, {"orange", "cross"}};
    double unseenFraction = 0.1;
    int styleImages = 0;          // extra images in the second rendering style, split "test_style"
    // Share of train images drawn in a third, "varied" style (other backgrounds and textures than
    // both the main and the second style), for robustness to unseen looks. 0 leaves every image
    // as it was; val and test images never change with it.
    double variedTrainFraction = 0;
    // Share of those varied images whose two background tones are dark (HSV value 0.08 to 0.40
    // instead of 0.42 to 0.95): the other looks never show a dark scene. 0 draws every image as
    // before; images that are not varied never change with it.
    double variedDarkFraction = 0;
    AnnotationNoise noise;        // train labels only
    int expressionsPerImage = 3;  // at most this many refs per image (fewer where fewer are valid)
};

// Throws rlfseg::Error naming the option for invalid values: images < 0, sizes outside 32..4096,
// objects outside 1..12 or min > max, fractions outside 0..1 or leaving no room for train, words
// in unseenPairs outside the vocabulary, all 120 pairs unseen, expressionsPerImage outside 1..50,
// negative noise amounts, variedTrainFraction or variedDarkFraction outside 0..1, a dark share
// without varied images.
void validateShapesOptions(const ShapesOptions& options);

// Writes the data set into outDir (created if missing; existing files of the same names are
// replaced). progress(done, total) is called after each image, in image order, on the calling
// thread; total = images + styleImages. `threads` workers draw the images (<= 0: one per core);
// the files are the same for any number of them.
void generateShapesDataset(const std::string& outDir, const ShapesOptions& options,
                           const std::function<void(int done, int total)>& progress = {}, int threads = 0);

// ---- Scenes and the expression checker (the semantics above) ----
struct SceneObject {
    std::string shape, color;
    double scale = 0;         // radius of the full shape around its drawing centre, pixels
    double cx = 0, cy = 0;    // centroid of the visible mask, pixels
    cv::Rect2d box;           // bounding box of the visible mask: x, y, width, height in pixels
};

struct Scene {
    int width = 0, height = 0;
    std::vector<SceneObject> objects;
};

enum class Truth { False, Unclear, True };

struct NounPhrase {
    std::string color;          // "" = any colour
    std::string shape;          // "" = any shape; then `noun` is said instead
    std::string noun = "shape"; // "shape" or "object" (synonyms), used when shape is ""
};

enum class ExpressionKind { Attribute, Size, Position, Superlative, Relation, All, Count };

struct Expression {
    ExpressionKind kind = ExpressionKind::Attribute;
    NounPhrase target;
    // Size: small/medium/large; Position: left/right/top/bottom/center; Superlative: leftmost...;
    // Relation: above/below/"left of"/"right of"/"next to"; All: "all" or "every".
    std::string modifier;
    NounPhrase landmark; // Relation only
    int count = 0;       // Count only: 2..6
};

const char* kindName(ExpressionKind kind); // "attribute", "size", ..., "count"

// The sentence, e.g. "the hexagon above the blue ellipse". parseExpression is its inverse for the
// template grammar (lower case, single spaces); it returns nothing for any other text.
std::string toSentence(const Expression& expression);
std::optional<Expression> parseExpression(const std::string& sentence);

struct ExpressionCheck {
    bool valid = false;          // the expression picks out `referents` unambiguously
    std::vector<int> referents;  // indices into Scene::objects for which it is True, ascending
    std::string reason;          // why it is not valid
};

// Truth of a single predicate for scene.objects[index] (useful for tests and annotations).
Truth sizeTruth(const Scene& scene, int index, const std::string& sizeWord);
Truth positionTruth(const Scene& scene, int index, const std::string& position);

ExpressionCheck checkExpression(const Scene& scene, const Expression& expression);
// True iff checkExpression is valid and its referents are exactly `intended` (any order).
bool picksOutExactly(const Scene& scene, const Expression& expression, std::vector<int> intended);

} // namespace rlfseg::data
