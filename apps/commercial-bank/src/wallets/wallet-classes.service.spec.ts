// Proves each wallet class asks for what the one above it needs plus its own: an ID number for 3, a linked deposit account for 2, verification in person for 1.
import { missingForClass } from './wallet-classes.service';

describe('what a wallet class needs', () => {
  const none = { idNumber: false, linkedAccount: false, verifiedInPerson: false };
  const all = { idNumber: true, linkedAccount: true, verifiedInPerson: true };

  it('asks nothing of class 4 and everything of class 1', () => {
    expect(missingForClass(4, none)).toBeNull();
    expect(missingForClass(1, all)).toBeNull();
  });

  it('names the first thing missing', () => {
    expect(missingForClass(3, none)).toBe('an ID number');
    expect(missingForClass(2, { ...none, idNumber: true })).toBe('a linked deposit account');
    expect(missingForClass(2, { ...none, linkedAccount: true })).toBe('an ID number');
    expect(missingForClass(1, { ...all, verifiedInPerson: false })).toBe('verification in person by staff');
    expect(missingForClass(3, { ...none, idNumber: true })).toBeNull();
  });
});
