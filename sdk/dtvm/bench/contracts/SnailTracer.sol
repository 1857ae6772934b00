// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice snailtracer: a small Whitted-style ray tracer in integer fixed-point arithmetic
/// (SCALE = 1e6), after the classic EVM benchmark of the same name. A camera looks at three spheres
/// (one mirror-like) over a checkered floor, lit by one point light with hard shadows and up to
/// two reflection bounces. `render(w, h)` returns the image as w*h RGB bytes.
contract SnailTracer {
    int256 private constant SCALE = 1e6;
    int256 private constant EPSILON = 1e3; // 0.001: keeps secondary rays off their own surface
    int256 private constant FAR = 1e15;
    uint256 private constant MAX_DEPTH = 2;
    int256 private constant AMBIENT = 2e5; // 0.2

    struct Vec {
        int256 x;
        int256 y;
        int256 z;
    }

    struct Sphere {
        Vec center;
        int256 radius;
        Vec color;
        int256 reflect; // share of the color taken from the reflected ray, in SCALE units
    }

    struct Hit {
        int256 t;
        Vec point;
        Vec normal;
        Vec color;
        int256 reflect;
    }

    /// @dev What every pixel needs, kept in memory so the render loop stays within stack limits.
    struct Camera {
        Sphere[] scene;
        Vec eye;
        Vec light;
        int256 halfWidth;
        int256 halfHeight;
        int256 pixel; // image-plane size of one pixel
    }

    function render(uint256 width, uint256 height) external pure returns (bytes memory image) {
        require(width > 0 && height > 0 && width <= 512 && height <= 512, "SnailTracer: bad size");
        image = new bytes(width * height * 3);
        // Field of view: the image plane is 2 units wide at distance 1.5.
        Camera memory camera = Camera(
            _scene(),
            Vec(0, 1e6, -45e5),
            Vec(-3e6, 5e6, -3e6),
            int256(width / 2),
            int256(height / 2),
            (2 * SCALE) / int256(width)
        );
        uint256 offset = 0;
        for (uint256 y = 0; y < height; ++y) {
            for (uint256 x = 0; x < width; ++x) {
                // Nothing allocated while tracing one pixel outlives it: rewind the free-memory
                // pointer afterwards so memory (and its quadratic gas) stays flat over the image.
                uint256 freeMemory;
                assembly ("memory-safe") {
                    freeMemory := mload(0x40)
                }
                Vec memory c = _pixel(camera, int256(x), int256(y));
                image[offset] = _channel(c.x);
                image[offset + 1] = _channel(c.y);
                image[offset + 2] = _channel(c.z);
                offset += 3;
                assembly ("memory-safe") {
                    mstore(0x40, freeMemory)
                }
            }
        }
    }

    function _pixel(Camera memory camera, int256 x, int256 y) private pure returns (Vec memory) {
        Vec memory dir =
            _normalize(Vec((x - camera.halfWidth) * camera.pixel, (camera.halfHeight - y) * camera.pixel, 15e5));
        return _trace(camera.scene, camera.light, camera.eye, dir, MAX_DEPTH);
    }

    function _scene() private pure returns (Sphere[] memory scene) {
        scene = new Sphere[](3);
        scene[0] = Sphere(Vec(-12e5, 1e6, 5e5), 1e6, Vec(9e5, 25e4, 2e5), 0);
        scene[1] = Sphere(Vec(11e5, 8e5, 1e6), 8e5, Vec(9e5, 9e5, 9e5), 6e5);
        scene[2] = Sphere(Vec(2e5, 4e5, -9e5), 4e5, Vec(2e5, 45e4, 95e4), 15e4);
    }

    function _trace(Sphere[] memory scene, Vec memory light, Vec memory origin, Vec memory dir, uint256 depth)
        private
        pure
        returns (Vec memory color)
    {
        (bool found, Hit memory hit) = _nearest(scene, origin, dir);
        if (!found) {
            // Sky: a vertical gradient from white at the horizon to blue overhead.
            int256 up = dir.y > 0 ? dir.y : int256(0);
            return Vec(SCALE - (up * 6) / 10, SCALE - (up * 4) / 10, SCALE);
        }
        color = _mul(hit.color, _lighting(scene, light, hit));
        if (hit.reflect > 0 && depth > 0) {
            Vec memory reflected = _normalize(_sub(dir, _mul(hit.normal, 2 * _dot(dir, hit.normal))));
            Vec memory bounce = _trace(scene, light, _lift(hit), reflected, depth - 1);
            color = _add(_mul(color, SCALE - hit.reflect), _mul(bounce, hit.reflect));
        }
    }

    /// @dev Ambient plus Lambert diffuse light at the hit, dimmed when the light is occluded.
    function _lighting(Sphere[] memory scene, Vec memory light, Hit memory hit) private pure returns (int256) {
        Vec memory toLight = _sub(light, hit.point);
        int256 lightDistance = _length(toLight);
        toLight = _div(toLight, lightDistance);
        int256 diffuse = _dot(hit.normal, toLight);
        if (diffuse <= 0) return AMBIENT;
        (bool blocked, Hit memory shadow) = _nearest(scene, _lift(hit), toLight);
        if (blocked && shadow.t < lightDistance) diffuse = diffuse / 4;
        return AMBIENT + (diffuse * (SCALE - AMBIENT)) / SCALE;
    }

    /// @dev The hit point nudged along its normal, as the origin of shadow and reflection rays.
    function _lift(Hit memory hit) private pure returns (Vec memory) {
        return _add(hit.point, _mul(hit.normal, EPSILON));
    }

    /// @dev Nearest intersection of the ray with the spheres and the floor plane y = 0.
    function _nearest(Sphere[] memory scene, Vec memory origin, Vec memory dir)
        private
        pure
        returns (bool found, Hit memory hit)
    {
        hit.t = FAR;
        uint256 best = type(uint256).max;
        for (uint256 i = 0; i < scene.length; ++i) {
            int256 t = _intersect(scene[i], origin, dir);
            if (t > 0 && t < hit.t) {
                hit.t = t;
                best = i;
            }
        }
        bool floor = false;
        if (dir.y < 0) {
            int256 t = (-origin.y * SCALE) / dir.y;
            if (t > EPSILON && t < hit.t) {
                hit.t = t;
                floor = true;
            }
        }
        if (hit.t == FAR) return (false, hit);
        hit.point = _add(origin, _mul(dir, hit.t));
        if (floor) {
            hit.normal = Vec(0, SCALE, 0);
            // A checkerboard of unit squares; floor division keeps the pattern continuous at 0.
            int256 cx = _floorDiv(hit.point.x, SCALE);
            int256 cz = _floorDiv(hit.point.z, SCALE);
            hit.color = (cx + cz) % 2 == 0 ? Vec(95e4, 95e4, 95e4) : Vec(15e4, 15e4, 15e4);
            hit.reflect = 1e5;
        } else {
            Sphere memory s = scene[best];
            hit.normal = _div(_sub(hit.point, s.center), s.radius);
            hit.color = s.color;
            hit.reflect = s.reflect;
        }
        return (true, hit);
    }

    /// @dev Distance along the (unit) ray to the sphere, or 0 when it misses.
    function _intersect(Sphere memory s, Vec memory origin, Vec memory dir) private pure returns (int256) {
        Vec memory oc = _sub(origin, s.center);
        int256 b = _dot(oc, dir);
        int256 c = _dot(oc, oc) - (s.radius * s.radius) / SCALE;
        int256 discriminant = (b * b) / SCALE - c;
        if (discriminant < 0) return 0;
        int256 root = int256(_sqrt(uint256(discriminant * SCALE)));
        int256 t = -b - root;
        if (t > EPSILON) return t;
        t = -b + root;
        return t > EPSILON ? t : int256(0);
    }

    function _channel(int256 value) private pure returns (bytes1) {
        if (value <= 0) return 0;
        if (value >= SCALE) return 0xff;
        return bytes1(uint8(uint256((value * 255) / SCALE)));
    }

    function _floorDiv(int256 a, int256 b) private pure returns (int256) {
        int256 q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }

    function _add(Vec memory a, Vec memory b) private pure returns (Vec memory) {
        return Vec(a.x + b.x, a.y + b.y, a.z + b.z);
    }

    function _sub(Vec memory a, Vec memory b) private pure returns (Vec memory) {
        return Vec(a.x - b.x, a.y - b.y, a.z - b.z);
    }

    function _mul(Vec memory a, int256 s) private pure returns (Vec memory) {
        return Vec((a.x * s) / SCALE, (a.y * s) / SCALE, (a.z * s) / SCALE);
    }

    function _div(Vec memory a, int256 s) private pure returns (Vec memory) {
        return Vec((a.x * SCALE) / s, (a.y * SCALE) / s, (a.z * SCALE) / s);
    }

    function _dot(Vec memory a, Vec memory b) private pure returns (int256) {
        return (a.x * b.x + a.y * b.y + a.z * b.z) / SCALE;
    }

    function _length(Vec memory a) private pure returns (int256) {
        return int256(_sqrt(uint256(a.x * a.x + a.y * a.y + a.z * a.z)));
    }

    function _normalize(Vec memory a) private pure returns (Vec memory) {
        return _div(a, _length(a));
    }

    /// @dev floor(sqrt(x)) by Newton's method from a power-of-two upper bound.
    function _sqrt(uint256 x) private pure returns (uint256) {
        if (x == 0) return 0;
        uint256 r = 1;
        uint256 bits = x;
        while (bits >= 4) {
            bits >>= 2;
            r <<= 1;
        }
        r <<= 1; // now r > sqrt(x)
        uint256 next = (r + x / r) >> 1;
        while (next < r) {
            r = next;
            next = (r + x / r) >> 1;
        }
        return r;
    }
}
